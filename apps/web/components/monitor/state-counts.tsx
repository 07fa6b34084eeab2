'use client';
import { useTranslation } from 'react-i18next';
import type { TaskRow } from '../../lib/task-row';
import { PROCESS_STATES } from '../../lib/types/process';

/** One cell per PCB state with its count (`count-<STATE>`). */
export function StateCounts({ rows }: { rows: TaskRow[] }) {
  const { t } = useTranslation();
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r.state, (counts.get(r.state) ?? 0) + 1);
  return (
    <section className="card" aria-labelledby="by-state-title">
      <h2 id="by-state-title" className="card-title">
        {t('monitor.byState')}
      </h2>
      <ul className="counts" data-testid="monitor-counts">
        {PROCESS_STATES.map((s) => (
          <li key={s} className={`count-cell state-${s.toLowerCase()}`}>
            <span
              className="count-value"
              data-testid={`count-${s}`}
              data-count={counts.get(s) ?? 0}
              aria-describedby={`count-label-${s}`}
            >
              {counts.get(s) ?? 0}
            </span>
            <span className="count-label" id={`count-label-${s}`}>
              {t(`state.${s}`)}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
