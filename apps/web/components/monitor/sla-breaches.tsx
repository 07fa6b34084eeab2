'use client';
import { useTranslation } from 'react-i18next';
import { routes } from '../../lib/routes';
import type { TaskRow } from '../../lib/task-row';
import { AppLink } from '../app-link';
import { SlaClock } from '../sched/sla-clock';
import { SlaMilestones } from './sla-milestones';
import { StateBadge } from '../state-badge';

/**
 * Open tasks past their SLA deadline (from the live rows: they update from `task.changed`), most urgent first;
 * below them the milestones that fell due while the page is open.
 */
export function SlaBreaches({ rows }: { rows: TaskRow[] }) {
  const { t } = useTranslation();
  const breached = rows
    .filter((r) => r.sla?.breached && r.state !== 'TERMINATED')
    .sort((a, b) => b.urgency - a.urgency || b.priority - a.priority || a.pid - b.pid);
  return (
    <section className="card" aria-labelledby="breaches-title">
      <h2 id="breaches-title" className="card-title">
        {t('sched.breaches.title')} <span className="count">{breached.length}</span>
      </h2>
      {breached.length === 0 ? (
        <p className="empty">{t('sched.breaches.empty')}</p>
      ) : (
        <ul className="breach-list" data-testid="monitor-breaches">
          {breached.map((r) => (
            <li key={r.pid} data-testid="breach-row" data-pid={r.pid}>
              <AppLink href={routes.process(r.pid)}>
                {r.serviceLabel} #{r.pid}
              </AppLink>
              <StateBadge state={r.state} />
              {r.sla && <SlaClock sla={r.sla} />}
              <span className="muted">
                {r.entity?.label ?? ''} · {r.assigneeName ?? r.assignee ?? t('sched.breaches.pool')} ·{' '}
                {t('sched.urgency')} {r.urgency}
              </span>
            </li>
          ))}
        </ul>
      )}
      <SlaMilestones />
    </section>
  );
}
