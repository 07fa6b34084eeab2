'use client';
import { useListAnimation } from '../../lib/list-animation';
import { AppLink } from '../app-link';
import { useTranslation } from 'react-i18next';
import { actionWord, actorWord } from '../../lib/audit-words';
import { formatDateTime } from '../../lib/format';
import { routes } from '../../lib/routes';
import type { TaskRow } from '../../lib/task-row';
import { useTimeline } from '../../lib/use-timeline';
import { StateChange } from '../state-change';

/** Merged audit events of the entity's processes, newest first. */
export function Timeline({ rows }: { rows: TaskRow[] }) {
  const { t } = useTranslation();
  const items = useTimeline(rows);
  const listRef = useListAnimation<HTMLOListElement>();
  return (
    <section className="card timeline-card" aria-labelledby="timeline-title">
      <h2 id="timeline-title" className="card-title">
        {t('entity.timeline')}
      </h2>
      <ol className="timeline" data-testid="timeline" ref={listRef}>
        {items.map((e) => (
          <li
            key={`${e.pid}-${e.id}`}
            className="timeline-item"
            data-testid="timeline-item"
            data-pid={e.pid}
            data-action={e.action}
          >
            <time dateTime={e.at}>{formatDateTime(e.at)}</time>
            <span className="timeline-what">
              <AppLink href={routes.process(e.pid)}>
                {e.serviceLabel} #{e.pid}
              </AppLink>{' '}
              <span className="action-name">{actionWord(t, e.action)}</span>{' '}
              <StateChange from={e.fromState} to={e.toState} />
            </span>
            <span className="muted" data-testid="timeline-actor">
              {t('timeline.by', { actor: actorWord(t, e) })}
            </span>
          </li>
        ))}
      </ol>
      {items.length === 0 && <p className="empty">{t('entity.noEvents')}</p>}
    </section>
  );
}
