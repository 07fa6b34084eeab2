'use client';
import { useListAnimation } from '../../lib/list-animation';
import { AppLink } from '../app-link';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatTime } from '../../lib/format';
import { useTaskChanges } from '../../lib/live';
import { routes } from '../../lib/routes';
import type { LiveTaskChange } from '../../lib/types/live';
import { StateChange } from '../state-change';

const CAP = 200;

/** Every task.changed this tab receives (admins are in room `monitor`), newest first. */
export function LiveStream() {
  const { t } = useTranslation();
  const [items, setItems] = useState<LiveTaskChange[]>([]);
  const listRef = useListAnimation<HTMLOListElement>();
  useTaskChanges((c) => setItems((prev) => [c, ...prev].slice(0, CAP)));
  return (
    <section className="card" aria-labelledby="stream-title">
      <h2 id="stream-title" className="card-title">
        {t('monitor.stream')}
      </h2>
      <ol className="stream" data-testid="monitor-stream" ref={listRef} aria-live="off">
        {items.map((c) => (
          <li
            key={`${c.pid}-${c.version}`}
            className="stream-item"
            data-testid="stream-item"
            data-pid={c.pid}
            data-state={c.state}
          >
            <time dateTime={new Date(c.at).toISOString()}>{formatTime(c.at)}</time>
            <AppLink href={routes.process(c.pid)}>
              {c.serviceLabel} #{c.pid}
            </AppLink>
            <StateChange from={c.fromState} to={c.state} />
            <span className="muted">
              {c.entity?.label ?? ''} {c.assignee ? `· ${c.assigneeName ?? c.assignee}` : ''}
            </span>
          </li>
        ))}
      </ol>
      {items.length === 0 && <p className="empty">{t('monitor.streamEmpty')}</p>}
    </section>
  );
}
