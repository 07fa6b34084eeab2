'use client';
import { AppLink } from '../app-link';
import { useTranslation } from 'react-i18next';
import { useDesign } from '../../lib/design';
import { routes } from '../../lib/routes';
import type { CascadeItem } from '../../lib/types/process';
import { useMe } from '../../lib/viewer';

/** The processes an action's cascade created (fromState null), with links; who got them, by name. */
export function CascadeList({ cascade }: { cascade: CascadeItem[] }) {
  const { t } = useTranslation();
  const me = useMe();
  const design = useDesign();
  const roleLabel = (key: string) => design?.roles.find((r) => r.key === key)?.label ?? key;
  const created = cascade.filter((c) => c.fromState === null);
  if (created.length === 0) return <p>{t('action.noneCreated')}</p>;
  return (
    <>
      <p>{t('action.created')}</p>
      <ul className="cascade-list">
        {created.map((c) => (
          <li key={c.pid}>
            <AppLink
              href={c.kind === 'task' ? routes.task(c.pid) : routes.process(c.pid)}
              data-testid="cascade-link"
              data-pid={c.pid}
            >
              {c.serviceLabel} #{c.pid}
            </AppLink>{' '}
            <span className="muted">
              →{' '}
              {c.kind === 'task'
                ? c.assignee
                  ? c.assignee === me.operator.key
                    ? me.operator.label
                    : c.assignee
                  : `${t('action.pool')} [${c.candidateRoles.map(roleLabel).join(', ')}]`
                : t('kind.program')}
            </span>
          </li>
        ))}
      </ul>
    </>
  );
}
