'use client';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatTime } from '../../lib/format';
import { useSlaMilestones } from '../../lib/live';
import { routes } from '../../lib/routes';
import type { LiveSlaMilestone } from '../../lib/types/live';
import { AppLink } from '../app-link';

const CAP = 20;

/**
 * The SLA milestones that fell due while this page is open (live `sla.milestone`, admins get them all), newest
 * first: which task, which milestone, its urgency before → after, and who had it.
 */
export function SlaMilestones() {
  const { t } = useTranslation();
  const [items, setItems] = useState<LiveSlaMilestone[]>([]);
  useSlaMilestones((m) => setItems((prev) => [m, ...prev].slice(0, CAP)));
  if (items.length === 0) return null;
  return (
    <>
      <h3 className="section-title">{t('sched.milestones.title')}</h3>
      <ol className="breach-list" data-testid="monitor-milestones" aria-live="polite">
        {items.map((m) => (
          <li
            key={`${m.pid}-${m.milestone}-${m.at}`}
            data-testid="milestone-item"
            data-pid={m.pid}
            data-milestone={m.milestone}
          >
            <time dateTime={new Date(m.at).toISOString()}>{formatTime(m.at)}</time>
            <AppLink href={routes.process(m.pid)}>
              {m.serviceLabel} #{m.pid}
            </AppLink>
            <span className={`sla-clock ${m.milestone === 'goal' ? 'sla-warn' : 'sla-late'}`}>
              {t(`sched.milestones.${m.milestone}`)}
            </span>
            <span className="muted">
              {t('sched.milestones.urgency', { before: m.urgencyBefore, after: m.urgencyAfter })} ·{' '}
              {m.assigneeName ?? m.assignee ?? t('sched.breaches.pool')}
            </span>
          </li>
        ))}
      </ol>
    </>
  );
}
