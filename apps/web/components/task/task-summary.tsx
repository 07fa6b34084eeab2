'use client';
import { AppLink } from '../app-link';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../lib/format';
import { routes } from '../../lib/routes';
import type { ProcessView } from '../../lib/types/process';
import { StateBadge } from '../state-badge';

/** Who and what of a task: state, customer, assignee, pool roles, times, links. */
export function TaskSummary({ p, roleLabel }: { p: ProcessView; roleLabel(key: string): string }) {
  const { t } = useTranslation();
  return (
    <dl className="summary">
      <div>
        <dt>{t('task.state')}</dt>
        <dd>
          <StateBadge state={p.state} testid="task-state" />
          {p.suspendReason && p.state === 'SUSPENDED' && (
            <span className="muted">
              {' '}
              {t('task.suspendReason')}: {p.suspendReason}
            </span>
          )}
        </dd>
      </div>
      <div>
        <dt>{t('task.entity')}</dt>
        <dd>
          {p.entity ? (
            <AppLink href={routes.entity(p.entity)} data-testid="link-entity">
              {p.entity.label ?? p.entity.id}
            </AppLink>
          ) : (
            '—'
          )}
        </dd>
      </div>
      <div>
        <dt>{t('task.assignee')}</dt>
        <dd data-testid="task-assignee">{p.assignee ? (p.assigneeName ?? p.assignee) : t('task.unassigned')}</dd>
      </div>
      <div>
        <dt>{t('task.candidates')}</dt>
        <dd>{p.candidateRoles.length ? p.candidateRoles.map(roleLabel).join(', ') : '—'}</dd>
      </div>
      <div>
        <dt>{t('task.priority')}</dt>
        <dd>{p.priority}</dd>
      </div>
      <div>
        <dt>{t('task.scheduled')}</dt>
        <dd>{formatDateTime(p.scheduledAt)}</dd>
      </div>
      {p.deadline && (
        <div>
          <dt>{t('task.deadline')}</dt>
          <dd>{formatDateTime(p.deadline)}</dd>
        </div>
      )}
      <div>
        <dt className="sr-only">{t('process.details')}</dt>
        <dd>
          <AppLink href={routes.process(p.pid)} data-testid="link-process">
            {t('task.processLink')}
          </AppLink>
        </dd>
      </div>
    </dl>
  );
}
