'use client';
import { useTranslation } from 'react-i18next';
import { routes } from '../../lib/routes';
import type { StaffView } from '../../lib/types/auth';
import { AppLink } from '../app-link';

type Props = {
  operators: StaffView[];
  roleLabel(key: string): string;
  /** The signed-in administrator (cannot lock themself out). */
  selfKey: string;
  /** Key of the operator a lock/unlock is running for. */
  busyKey: string | null;
  onEditRoles(operator: StaffView): void;
  onSetPassword(operator: StaffView): void;
  onLock(operator: StaffView, lock: boolean): void;
};

/** Operators with their roles, flags and locked state; per row: roles, password, lock/unlock. */
export function StaffTable({ operators, roleLabel, selfKey, busyKey, onEditRoles, onSetPassword, onLock }: Props) {
  const { t } = useTranslation();
  return (
    <div className="table-wrap">
      <table className="table staff-table" data-testid="staff-table">
        <thead>
          <tr>
            <th scope="col">{t('staff.label')}</th>
            <th scope="col">{t('staff.username')}</th>
            <th scope="col">{t('staff.roles')}</th>
            <th scope="col">{t('staff.flags')}</th>
            <th scope="col">{t('staff.status')}</th>
            <th scope="col">
              <span className="sr-only">{t('staff.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {operators.map((o) => (
            <tr key={o.key} data-testid="staff-row" data-key={o.key} data-locked={String(o.locked)}>
              <th scope="row">
                {o.label} <span className="muted">({o.key})</span>
                {o.key === selfKey && <span className="badge badge-soft">{t('staff.self')}</span>}
              </th>
              <td data-testid="staff-username">{o.username ?? t('common.none')}</td>
              <td data-testid="staff-roles">
                {o.roles.length > 0 ? (
                  o.roles.map(roleLabel).join(', ')
                ) : (
                  <span className="muted">{t('staff.noRoles')}</span>
                )}
              </td>
              <td className="nowrap">
                {o.staff && <span className="badge badge-soft">{t('staff.staffFlag')}</span>}
                {o.admin && <span className="badge badge-soft">{t('staff.adminFlag')}</span>}
              </td>
              <td data-testid="staff-status">
                {o.locked ? (
                  <span className="badge state-error">{t('staff.locked')}</span>
                ) : o.hasPassword ? (
                  <span className="badge state-ready">{t('staff.active')}</span>
                ) : (
                  <span className="badge state-new">{t('staff.noPassword')}</span>
                )}
              </td>
              <td className="row-actions">
                <button
                  type="button"
                  className="btn btn-small"
                  data-testid={`staff-roles-${o.key}`}
                  onClick={() => onEditRoles(o)}
                  aria-label={t('staff.editRolesOf', { label: o.label })}
                >
                  {t('staff.editRoles')}
                </button>
                {o.key === selfKey ? (
                  // Your own password is changed with the current one (and keeps this session).
                  <AppLink
                    href={routes.accountPassword}
                    className="btn btn-small"
                    data-testid={`staff-password-${o.key}`}
                    aria-label={t('nav.account')}
                  >
                    {t('staff.password')}
                  </AppLink>
                ) : (
                  <button
                    type="button"
                    className="btn btn-small"
                    data-testid={`staff-password-${o.key}`}
                    onClick={() => onSetPassword(o)}
                    aria-label={t('staff.setPasswordOf', { label: o.label })}
                  >
                    {t('staff.password')}
                  </button>
                )}
                {o.locked ? (
                  <button
                    type="button"
                    className="btn btn-small"
                    data-testid={`staff-unlock-${o.key}`}
                    disabled={busyKey === o.key}
                    onClick={() => onLock(o, false)}
                    aria-label={t('staff.unlockOf', { label: o.label })}
                  >
                    {t('staff.unlock')}
                  </button>
                ) : (
                  <button
                    type="button"
                    className="btn btn-small btn-danger-outline"
                    data-testid={`staff-lock-${o.key}`}
                    disabled={busyKey === o.key || o.key === selfKey}
                    title={o.key === selfKey ? t('staff.cannotLockSelf') : undefined}
                    onClick={() => onLock(o, true)}
                    aria-label={t('staff.lockOf', { label: o.label })}
                  >
                    {t('staff.lock')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
