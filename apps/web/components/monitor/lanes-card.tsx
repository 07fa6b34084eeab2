'use client';
import { useTranslation } from 'react-i18next';
import { useDesign } from '../../lib/design';
import { laneName } from '../../lib/lanes';
import type { LaneView } from '../../lib/types/scheduler';
import { useChangeReload } from '../../lib/use-change-reload';
import { useClock } from '../../lib/use-clock';
import { useResource } from '../../lib/use-resource';
import { LoadError } from '../load-error';
import { useDurationText } from '../sched/sla-clock';

/**
 * The scheduler's lanes (`GET /scheduler/lanes`, admins): each queue's depth, how long its oldest task has
 * waited (ticking) and its tasks per fairness key; reloaded after live task changes.
 */
export function LanesCard() {
  const { t } = useTranslation();
  const design = useDesign();
  const lanes = useResource<LaneView[]>('/v1/scheduler/lanes');
  useChangeReload(lanes.reload);
  const now = useClock();
  const duration = useDurationText();
  const rows = [...(lanes.data ?? [])].sort((a, b) => b.depth - a.depth || a.lane.localeCompare(b.lane));
  return (
    <section className="card" aria-labelledby="lanes-title">
      <h2 id="lanes-title" className="card-title">
        {t('sched.lanes.title')}
      </h2>
      <LoadError error={lanes.error} onRetry={() => void lanes.reload()} />
      {lanes.data && rows.length === 0 && <p className="empty">{t('sched.lanes.empty')}</p>}
      {rows.length > 0 && (
        <table className="table stack-table" data-testid="monitor-lanes">
          <thead>
            <tr>
              <th scope="col">{t('sched.lanes.lane')}</th>
              <th scope="col">{t('sched.lanes.distribution')}</th>
              <th scope="col" className="num">
                {t('sched.lanes.depth')}
              </th>
              <th scope="col">{t('sched.lanes.oldest')}</th>
              <th scope="col">{t('sched.lanes.byKey')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((l) => (
              <tr key={l.lane} data-testid="lane-row" data-lane={l.lane} data-depth={l.depth}>
                <th scope="row" data-label={t('sched.lanes.lane')}>
                  {laneName(design, l.role, l.skills)}
                </th>
                <td data-label={t('sched.lanes.distribution')}>{t(`sched.lanes.${l.distribution}`)}</td>
                <td className="num" data-label={t('sched.lanes.depth')} data-testid="lane-depth">
                  {l.depth}
                </td>
                <td data-label={t('sched.lanes.oldest')} data-testid="lane-oldest">
                  {l.oldestQueuedAt ? duration(Math.max(0, now - Date.parse(l.oldestQueuedAt))) : '—'}
                </td>
                <td data-label={t('sched.lanes.byKey')}>
                  {Object.entries(l.byFairnessKey)
                    .map(([key, n]) => `${key || t('sched.lanes.commonKey')}: ${n}`)
                    .join(', ')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
