'use client';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { StaffView } from '../../lib/types/auth';
import { ModalDialog } from '../modal-dialog';

type Props = {
  operator: StaffView;
  /** The design's roles; null while loading. */
  roles: { key: string; label: string }[] | null;
  busy: boolean;
  /** The 422's reason for `roles`, shown in the dialog. */
  error: string | null;
  onConfirm(roles: string[]): void;
  onClose(): void;
};

/** Picks an operator's roles (checkboxes `role-option-<roleKey>`); roles unknown to the design stay listed. */
export function RolesDialog({ operator, roles, busy, error, onConfirm, onClose }: Props) {
  const { t } = useTranslation();
  const [chosen, setChosen] = useState<Set<string>>(() => new Set(operator.roles));
  const known = roles ?? [];
  const unknown = operator.roles.filter((r) => !known.some((k) => k.key === r)).map((key) => ({ key, label: key }));
  const toggle = (key: string, on: boolean) =>
    setChosen((s) => {
      const next = new Set(s);
      if (on) next.add(key);
      else next.delete(key);
      return next;
    });
  const options = [...known, ...unknown];
  return (
    <ModalDialog
      title={t('staff.rolesTitle', { label: operator.label })}
      confirmLabel={t('staff.save')}
      busy={busy || roles === null}
      onConfirm={() => onConfirm(options.map((o) => o.key).filter((k) => chosen.has(k)))}
      onClose={onClose}
    >
      <p className="warning">{t('staff.rolesHint', { label: operator.label })}</p>
      {roles === null && <p className="muted">{t('app.loading')}</p>}
      <fieldset className="checkbox-list" aria-invalid={error ? true : undefined}>
        <legend className="sr-only">{t('staff.roles')}</legend>
        {options.map((r) => (
          <label key={r.key} className="checkbox">
            <input
              type="checkbox"
              data-testid={`role-option-${r.key}`}
              checked={chosen.has(r.key)}
              onChange={(e) => toggle(r.key, e.target.checked)}
            />
            <span>
              {r.label} <span className="muted">({r.key})</span>
            </span>
          </label>
        ))}
      </fieldset>
      {error && (
        <p className="field-error" data-testid="staff-roles-error" role="alert">
          {error}
        </p>
      )}
    </ModalDialog>
  );
}
