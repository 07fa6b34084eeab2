'use client';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiProblem, errorMessage } from '../../lib/api';
import { changeMyPassword } from '../../lib/change-password';
import { splitFieldErrors } from '../../lib/field-errors';
import { useMe } from '../../lib/viewer';
import { PasswordField } from '../account/password-field';
import { Notice, notice, type NoticeMessage } from '../notice';
import { PageTitle } from '../page-title';

const FIELDS = ['currentPassword', 'newPassword', 'repeat'] as const;
type Field = (typeof FIELDS)[number];
type Errors = Partial<Record<Field, string>>;

/** `/account/password/`: every operator changes their own password; the other sessions are signed out. */
export function AccountPasswordView() {
  const { t } = useTranslation();
  const me = useMe();
  const [values, setValues] = useState<Record<Field, string>>({ currentPassword: '', newPassword: '', repeat: '' });
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [message, setMessage] = useState<NoticeMessage | null>(null);
  const [busy, setBusy] = useState(false);

  const change = (field: Field) => (value: string) => {
    setValues((v) => ({ ...v, [field]: value }));
    setErrors((e) => ({ ...e, [field]: undefined }));
  };

  const validate = (): Errors => {
    const found: Errors = {};
    if (!values.currentPassword) found.currentPassword = t('account.required');
    if (!values.newPassword) found.newPassword = t('account.required');
    if (values.newPassword && values.repeat !== values.newPassword) found.repeat = t('account.mismatch');
    return found;
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    setMessage(null);
    setFormError(null);
    const found = validate();
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    try {
      await changeMyPassword({ currentPassword: values.currentPassword, newPassword: values.newPassword });
      setValues({ currentPassword: '', newPassword: '', repeat: '' });
      setMessage(notice('success', t('account.done')));
    } catch (err) {
      if (err instanceof ApiProblem && err.status === 422 && err.fieldErrors.length > 0) {
        const { byField, rest } = splitFieldErrors(err.fieldErrors, FIELDS);
        setErrors(byField);
        if (rest.length > 0) setFormError(rest.map((r) => r.message).join(' '));
      } else {
        setFormError(t('account.failed', { message: errorMessage(err) }));
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <article className="account-page" data-testid="account-page">
      <PageTitle title={t('account.title')} />
      <Notice message={message} onClose={() => setMessage(null)} />
      <form className="card narrow-card" onSubmit={submit} noValidate>
        <p className="muted">{t('account.hint')}</p>
        {/* Lets password managers tie the new password to this account. */}
        <input type="text" name="username" autoComplete="username" value={me.operator.username ?? ''} readOnly hidden />
        <PasswordField
          id="password-current"
          label={t('account.current')}
          autoComplete="current-password"
          autoFocus
          value={values.currentPassword}
          onChange={change('currentPassword')}
          error={errors.currentPassword}
          disabled={busy}
        />
        <PasswordField
          id="password-new"
          label={t('account.new')}
          autoComplete="new-password"
          value={values.newPassword}
          onChange={change('newPassword')}
          error={errors.newPassword}
          hint={t('account.newHint')}
          disabled={busy}
        />
        <PasswordField
          id="password-repeat"
          label={t('account.repeat')}
          autoComplete="new-password"
          value={values.repeat}
          onChange={change('repeat')}
          error={errors.repeat}
          disabled={busy}
        />
        {formError && (
          <p className="form-error" data-testid="password-error" role="alert">
            {formError}
          </p>
        )}
        <button type="submit" className="btn btn-primary" data-testid="password-submit" disabled={busy}>
          {busy ? t('account.busy') : t('account.submit')}
        </button>
      </form>
    </article>
  );
}
