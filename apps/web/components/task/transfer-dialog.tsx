'use client';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Operator } from '../../lib/types/auth';
import { ModalDialog } from '../modal-dialog';

type Props = {
  /** Operators to pick from (those whose roles allow the service); null → a free-text operator key. */
  operators: Pick<Operator, 'key' | 'label'>[] | null;
  busy: boolean;
  onConfirm(operatorKey: string): void;
  onClose(): void;
};

/** Picks the operator a task is transferred to. */
export function TransferDialog({ operators, busy, onConfirm, onClose }: Props) {
  const { t } = useTranslation();
  const [key, setKey] = useState('');
  const [missing, setMissing] = useState(false);
  const confirm = () => {
    if (!key.trim()) return setMissing(true);
    onConfirm(key.trim());
  };
  const change = (value: string) => {
    setKey(value);
    setMissing(false);
  };
  return (
    <ModalDialog
      title={t('dialog.transferTitle')}
      confirmLabel={t('action.transfer')}
      busy={busy}
      onConfirm={confirm}
      onClose={onClose}
    >
      <div className="field">
        <label htmlFor="transfer-operator">{operators ? t('dialog.operator') : t('dialog.operatorKey')}</label>
        {operators ? (
          <select
            id="transfer-operator"
            data-testid="transfer-operator"
            autoFocus
            value={key}
            aria-invalid={missing}
            onChange={(e) => change(e.target.value)}
          >
            <option value="">{t('dialog.chooseOperator')}</option>
            {operators.map((o) => (
              <option key={o.key} value={o.key}>
                {o.label} ({o.key})
              </option>
            ))}
          </select>
        ) : (
          <input
            id="transfer-operator"
            data-testid="transfer-operator"
            autoFocus
            autoCapitalize="none"
            value={key}
            aria-invalid={missing}
            onChange={(e) => change(e.target.value)}
          />
        )}
        {missing && <p className="field-error">{t('dialog.required')}</p>}
      </div>
    </ModalDialog>
  );
}
