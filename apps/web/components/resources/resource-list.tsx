'use client';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../lib/format';
import type { ResourceView } from '../../lib/types/scheduler';
import { ResourceStateBadge } from './resource-state-badge';
import { resourceName } from '../../lib/resource-name';

type Props = {
  resources: ResourceView[];
  /** Block or unblock (admins); no buttons without it. */
  onState?(resource: ResourceView, state: 'available' | 'blocked'): void;
};

/** Rooms and machines as cards: state, slots in use now of the capacity, when one frees, opening hours. */
export function ResourceList({ resources, onState }: Props) {
  const { t } = useTranslation();
  return (
    <ul className="resource-list" data-testid="resource-list">
      {resources.map((r) => (
        <li key={r.key} className="resource-item" data-testid="resource-card" data-key={r.key} data-state={r.state}>
          <div className="resource-item-head">
            <h3>{resourceName(r)}</h3>
            <ResourceStateBadge state={r.state} />
          </div>
          <dl>
            <dt>{t('sched.resources.type')}</dt>
            <dd>{r.type}</dd>
            <dt>{t('sched.resources.inUse')}</dt>
            <dd data-testid="resource-in-use" data-in-use={r.inUse}>
              {t('sched.resources.inUseOf', { inUse: r.inUse, capacity: r.capacity })}
            </dd>
            <dt>{t('sched.resources.nextFree')}</dt>
            <dd>{r.nextFreeAt ? formatDateTime(r.nextFreeAt) : t('sched.resources.freeNow')}</dd>
            <dt>{t('sched.resources.calendar')}</dt>
            <dd>{r.calendar ?? t('sched.resources.alwaysOpen')}</dd>
          </dl>
          {onState && r.state !== 'retired' && (
            <div>
              {r.state === 'available' ? (
                <button
                  type="button"
                  className="btn btn-small"
                  data-testid="resource-block"
                  aria-label={t('sched.resources.blockOf', { key: resourceName(r) })}
                  onClick={() => onState(r, 'blocked')}
                >
                  {t('sched.resources.block')}
                </button>
              ) : (
                <button
                  type="button"
                  className="btn btn-small btn-primary"
                  data-testid="resource-unblock"
                  aria-label={t('sched.resources.unblockOf', { key: resourceName(r) })}
                  onClick={() => onState(r, 'available')}
                >
                  {t('sched.resources.unblock')}
                </button>
              )}
            </div>
          )}
        </li>
      ))}
    </ul>
  );
}
