'use client';
import { useTranslation } from 'react-i18next';
import { isoDate } from '../../lib/day';
import { formatDateTime } from '../../lib/format';
import { routes } from '../../lib/routes';
import type { ResourceView } from '../../lib/types/scheduler';
import { isLive, useDayBookings } from '../../lib/use-bookings';
import { useChangeReload } from '../../lib/use-change-reload';
import { useResource } from '../../lib/use-resource';
import { AppLink } from '../app-link';
import { LoadError } from '../load-error';
import { ResourceStateBadge } from '../resources/resource-state-badge';
import { resourceName } from '../../lib/resource-name';

/**
 * Rooms and machines on the monitor: state, slots in use now, when one frees, and how many live bookings
 * today holds; reloaded after live task changes.
 */
export function ResourcesCard() {
  const { t } = useTranslation();
  const resources = useResource<ResourceView[]>('/v1/resources');
  const keys = (resources.data ?? []).map((r) => r.key);
  const bookings = useDayBookings(keys, isoDate(new Date()));
  useChangeReload(() => Promise.all([resources.reload(), bookings.reload()]));
  return (
    <section className="card" aria-labelledby="resources-title">
      <h2 id="resources-title" className="card-title">
        <AppLink href={routes.resources}>{t('sched.resources.title')}</AppLink>
      </h2>
      <LoadError error={resources.error ?? bookings.error} onRetry={() => void resources.reload()} />
      {resources.data && resources.data.length === 0 && <p className="empty">{t('sched.resources.empty')}</p>}
      {resources.data && resources.data.length > 0 && (
        <table className="table stack-table" data-testid="monitor-resources">
          <thead>
            <tr>
              <th scope="col">{t('sched.book.resource')}</th>
              <th scope="col">{t('sched.resources.state')}</th>
              <th scope="col">{t('sched.resources.inUse')}</th>
              <th scope="col">{t('sched.resources.nextFree')}</th>
              <th scope="col" className="num">
                {t('sched.resources.booked')}
              </th>
            </tr>
          </thead>
          <tbody>
            {resources.data.map((r) => (
              <tr key={r.key} data-testid="monitor-resource" data-key={r.key} data-state={r.state}>
                <th scope="row" data-label={t('sched.book.resource')}>
                  {resourceName(r)} <span className="muted">{r.type}</span>
                </th>
                <td data-label={t('sched.resources.state')}>
                  <ResourceStateBadge state={r.state} />
                </td>
                <td data-label={t('sched.resources.inUse')} data-testid="resource-in-use" data-in-use={r.inUse}>
                  {t('sched.resources.inUseOf', { inUse: r.inUse, capacity: r.capacity })}
                </td>
                <td data-label={t('sched.resources.nextFree')}>
                  {r.nextFreeAt ? formatDateTime(r.nextFreeAt) : t('sched.resources.freeNow')}
                </td>
                <td className="num" data-label={t('sched.resources.booked')} data-testid="resource-booked">
                  {(bookings.byResource.get(r.key) ?? []).filter(isLive).length}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
