'use client';
import { AppLink } from '../app-link';
import { useTranslation } from 'react-i18next';
import { routes } from '../../lib/routes';
import type { CascadeItem } from '../../lib/types/process';

/** The processes an action's cascade created (fromState null), with links. */
export function CascadeList({ cascade }: { cascade: CascadeItem[] }) {
  const { t } = useTranslation();
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
                ? (c.assignee ?? `${t('action.pool')} [${c.candidateRoles.join(', ')}]`)
                : t('kind.program')}
            </span>
          </li>
        ))}
      </ul>
    </>
  );
}
