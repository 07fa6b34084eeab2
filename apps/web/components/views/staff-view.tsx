'use client';
import { useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiProblem, errorMessage, seg } from '../../lib/api';
import { useDesign } from '../../lib/design';
import type { StaffView as Staff } from '../../lib/types/auth';
import { useResource } from '../../lib/use-resource';
import { useMe } from '../../lib/viewer';
import { AdminOnly } from '../admin/admin-only';
import { RolesDialog } from '../admin/roles-dialog';
import { SetPasswordDialog } from '../admin/set-password-dialog';
import { StaffTable } from '../admin/staff-table';
import { LoadError } from '../load-error';
import { Notice, notice, type NoticeMessage } from '../notice';
import { PageTitle } from '../page-title';

type Dialog = { kind: 'roles' | 'password'; operator: Staff } | null;

/**
 * Keys of the principals the API keeps for integrator API tokens (`integration:<token id>`): they are managed on
 * the API tokens page, not here.
 */
const isIntegration = (o: Staff) => o.key.startsWith('integration:');

/** The reason of a 422 for `field`, else the problem's message. */
function reasonOf(e: unknown, field: string): string {
  if (e instanceof ApiProblem && e.status === 422) {
    const messages = e.fieldErrors.filter((f) => f.field === field).map((f) => f.message);
    if (messages.length > 0) return messages.join(' ');
  }
  return errorMessage(e);
}

/** `/admin/staff/` (administrators): operators, their roles, passwords and lock state. */
export function StaffView() {
  const { t } = useTranslation();
  return (
    <AdminOnly title={t('staff.title')}>
      <StaffAdmin />
    </AdminOnly>
  );
}

function StaffAdmin() {
  const { t } = useTranslation();
  const id = useId();
  const me = useMe();
  const design = useDesign();
  const list = useResource<Staff[]>('/v1/operators');
  const [showCustomers, setShowCustomers] = useState(false);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [dialogError, setDialogError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [busyKey, setBusyKey] = useState<string | null>(null);
  const [message, setMessage] = useState<NoticeMessage | null>(null);

  const roleLabel = (key: string) => design?.roles.find((r) => r.key === key)?.label ?? key;
  const shown = useMemo(
    () =>
      (list.data ?? [])
        .filter((o) => !isIntegration(o) && (showCustomers || o.staff || o.admin))
        .sort((a, b) => Number(b.admin) - Number(a.admin) || a.label.localeCompare(b.label)),
    [list.data, showCustomers],
  );
  const replace = (view: Staff) => list.set((all) => (all ?? []).map((o) => (o.key === view.key ? view : o)));

  const open = (kind: 'roles' | 'password', operator: Staff) => {
    setDialogError(null);
    setDialog({ kind, operator });
  };

  const saveRoles = async (operator: Staff, roles: string[]) => {
    setBusy(true);
    setDialogError(null);
    try {
      replace(await api.put<Staff>(`/v1/operators/${seg(operator.key)}/roles`, { roles }));
      setDialog(null);
      setMessage(notice('success', t('staff.rolesSaved', { label: operator.label })));
    } catch (e) {
      setDialogError(reasonOf(e, 'roles'));
    } finally {
      setBusy(false);
    }
  };

  const savePassword = async (operator: Staff, password: string) => {
    setBusy(true);
    setDialogError(null);
    try {
      await api.put<void>(`/v1/operators/${seg(operator.key)}/password`, { password });
      replace({ ...operator, hasPassword: true });
      setDialog(null);
      setMessage(notice('success', t('staff.passwordSaved', { label: operator.label })));
    } catch (e) {
      setDialogError(reasonOf(e, 'password'));
    } finally {
      setBusy(false);
    }
  };

  const setLocked = async (operator: Staff, lock: boolean) => {
    setBusyKey(operator.key);
    setMessage(null);
    try {
      replace(await api.post<Staff>(`/v1/operators/${seg(operator.key)}/${lock ? 'lock' : 'unlock'}`));
      setMessage(notice('success', t(lock ? 'staff.lockedDone' : 'staff.unlockedDone', { label: operator.label })));
    } catch (e) {
      setMessage(notice('error', t('staff.failed', { message: errorMessage(e) })));
    } finally {
      setBusyKey(null);
    }
  };

  return (
    <article className="staff-page" data-testid="staff-page">
      <PageTitle title={t('staff.title')}>
        <label className="checkbox" htmlFor={`${id}-customers`}>
          <input
            id={`${id}-customers`}
            type="checkbox"
            data-testid="staff-show-customers"
            checked={showCustomers}
            onChange={(e) => setShowCustomers(e.target.checked)}
          />
          <span>{t('staff.showCustomers')}</span>
        </label>
      </PageTitle>
      <p className="muted">{t('staff.hint')}</p>
      <Notice message={message} onClose={() => setMessage(null)} />
      <LoadError error={list.error} onRetry={() => void list.reload()} />
      <section className="card" aria-label={t('staff.title')}>
        {list.data === null && !list.error && <p className="muted">{t('app.loading')}</p>}
        {list.data !== null && shown.length === 0 && <p className="empty">{t('staff.empty')}</p>}
        {shown.length > 0 && (
          <StaffTable
            operators={shown}
            roleLabel={roleLabel}
            selfKey={me.operator.key}
            busyKey={busyKey}
            onEditRoles={(o) => open('roles', o)}
            onSetPassword={(o) => open('password', o)}
            onLock={(o, lock) => void setLocked(o, lock)}
          />
        )}
      </section>
      {dialog?.kind === 'roles' && (
        <RolesDialog
          operator={dialog.operator}
          roles={design?.roles ?? null}
          busy={busy}
          error={dialogError}
          onConfirm={(roles) => void saveRoles(dialog.operator, roles)}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog?.kind === 'password' && (
        <SetPasswordDialog
          operator={dialog.operator}
          busy={busy}
          error={dialogError}
          onConfirm={(password) => void savePassword(dialog.operator, password)}
          onClose={() => setDialog(null)}
        />
      )}
    </article>
  );
}
