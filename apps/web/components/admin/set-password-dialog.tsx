'use client';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { StaffView } from '../../lib/types/auth';
import { ModalDialog } from '../modal-dialog';

type Props = {
  operator: StaffView;
  busy: boolean;
  /** The 422's reason for `password` (e.g. the strength estimator's), shown at the field. */
  error: string | null;
  onConfirm(password: string): void;
  onClose(): void;
};

/** Sets or resets an operator's password (`staff-password-input`). */
export function SetPasswordDialog({ operator, busy, error, onConfirm, onClose }: Props) {
  const { t } = useTranslation();
  const [password, setPassword] = useState('');
  const [missing, setMissing] = useState(false);
  const shown = missing ? t('dialog.required') : error;
  const confirm = () => {
    if (!password) return setMissing(true);
    onConfirm(password);
  };
  return (
    <ModalDialog
      title={t('staff.passwordTitle', { label: operator.label })}
      confirmLabel={t('staff.setPassword')}
      busy={busy}
      onConfirm={confirm}
      onClose={onClose}
    >
      <p className="muted">{t('staff.passwordHint', { label: operator.label })}</p>
      <input type="text" name="username" autoComplete="off" value={operator.username ?? ''} readOnly hidden />
      <div className="field">
        <label htmlFor="staff-password-input">{t('staff.newPassword')}</label>
        <input
          id="staff-password-input"
          data-testid="staff-password-input"
          type="password"
          autoComplete="new-password"
          autoFocus
          value={password}
          aria-invalid={shown ? true : undefined}
          aria-describedby={shown ? 'staff-password-error' : undefined}
          onChange={(e) => {
            setPassword(e.target.value);
            setMissing(false);
          }}
        />
        {shown && (
          <p id="staff-password-error" className="field-error" data-testid="staff-password-error" role="alert">
            {shown}
          </p>
        )}
      </div>
    </ModalDialog>
  );
}
