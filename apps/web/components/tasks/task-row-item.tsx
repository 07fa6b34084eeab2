'use client';
import { AppLink } from '../app-link';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../lib/format';
import { routes } from '../../lib/routes';
import type { TaskRow } from '../../lib/task-row';
import type { WorkOrderColumn } from '../../lib/types/design';
import { columnValue } from '../../lib/work-order';
import { SlaClock } from '../sched/sla-clock';
import { WaitReason } from '../sched/wait-reason';
import { StateBadge } from '../state-badge';

type Props = {
  row: TaskRow;
  /** Extra work-order columns (label: value). */
  columns?: WorkOrderColumn[];
  /** Button(s) at the end of the row (e.g. Claim). */
  action?: ReactNode;
  /** Hide the entity link (on the entity page itself). */
  hideEntity?: boolean;
  /** Show a link to the process page as well. */
  processLink?: boolean;
};

/**
 * One task in a list: service (link to the task page), customer (link to its page), state, its SLA countdown,
 * why it waits for a resource, time, priority and urgency.
 */
export function TaskRowItem({ row, columns = [], action, hideEntity, processLink }: Props) {
  const { t } = useTranslation();
  return (
    <li
      className={`task-row prio-${Math.min(row.priority, 9)}`}
      data-testid="task-row"
      data-pid={row.pid}
      data-service={row.service}
      data-state={row.state}
      data-priority={row.priority}
      data-urgency={row.urgency}
    >
      <div className="task-row-main">
        <AppLink
          href={routes.task(row.pid)}
          className="task-row-title"
          aria-label={t('row.open', { label: row.serviceLabel, pid: row.pid })}
        >
          <span className="task-row-service">{row.serviceLabel}</span>
          <span className="pid">#{row.pid}</span>
        </AppLink>
        <StateBadge state={row.state} />
        {row.sla && <SlaClock sla={row.sla} />}
        {row.state === 'WAITING' && <WaitReason waitReason={row.waitReason} waitUntil={row.waitUntil} />}
      </div>
      <dl className="task-row-meta">
        {!hideEntity && (
          <div>
            <dt className="sr-only">{t('task.entity')}</dt>
            <dd>
              {row.entity ? (
                <AppLink href={routes.entity(row.entity)} className="entity-link">
                  {row.entity.label ?? row.entity.id}
                </AppLink>
              ) : (
                <span className="muted">{t('row.noEntity')}</span>
              )}
            </dd>
          </div>
        )}
        <div>
          <dt>{t('row.scheduled')}</dt>
          <dd>{row.scheduledAt ? formatDateTime(row.scheduledAt) : t('row.anytime')}</dd>
        </div>
        <div>
          <dt>{t('row.priority')}</dt>
          <dd data-testid="row-priority">{row.priority}</dd>
        </div>
        {(row.urgency > 0 || row.sla) && (
          <div>
            <dt>{t('sched.urgency')}</dt>
            <dd data-testid="row-urgency">{row.urgency}</dd>
          </div>
        )}
        {columns.map((c) => (
          <div key={c.name}>
            <dt>{c.label}</dt>
            <dd>{columnValue(row, c)}</dd>
          </div>
        ))}
        {processLink && (
          <div>
            <dt className="sr-only">{t('row.process')}</dt>
            <dd>
              <AppLink href={routes.process(row.pid)} className="subtle-link">
                {t('row.process')}
              </AppLink>
            </dd>
          </div>
        )}
      </dl>
      {action && <div className="task-row-action">{action}</div>}
    </li>
  );
}
