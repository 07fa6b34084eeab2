'use client';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ModalDialog } from '../modal-dialog';

type Props = {
  title: string;
  confirmLabel: string;
  warning?: string;
  danger?: boolean;
  busy: boolean;
  onConfirm(reason: string): void;
  onClose(): void;
};

/** Asks for a reason (suspend, cancel). */
export function ReasonDialog({ title, confirmLabel, warning, danger, busy, onConfirm, onClose }: Props) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  const [missing, setMissing] = useState(false);
  const confirm = () => {
    if (!reason.trim()) return setMissing(true);
    onConfirm(reason.trim());
  };
  return (
    <ModalDialog
      title={title}
      confirmLabel={confirmLabel}
      danger={danger}
      busy={busy}
      onConfirm={confirm}
      onClose={onClose}
    >
      {warning && <p className="warning">{warning}</p>}
      <div className="field">
        <label htmlFor="reason-input">{t('dialog.reason')}</label>
        <textarea
          id="reason-input"
          data-testid="reason-input"
          rows={3}
          maxLength={500}
          autoFocus
          value={reason}
          aria-invalid={missing}
          aria-describedby={missing ? 'reason-error' : undefined}
          onChange={(e) => {
            setReason(e.target.value);
            setMissing(false);
          }}
        />
        {missing && (
          <p id="reason-error" className="field-error">
            {t('dialog.required')}
          </p>
        )}
      </div>
    </ModalDialog>
  );
}
