'use client';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { SortMode } from '../../lib/schedule';
import type { TaskFilter } from '../../lib/task-filter';
import { PROCESS_STATES } from '../../lib/types/process';

type Props = {
  filter: TaskFilter;
  onFilter(f: TaskFilter): void;
  sort: SortMode;
  onSort(s: SortMode): void;
  services: { key: string; label: string }[];
};

const OPEN_STATES = PROCESS_STATES.filter((s) => s !== 'TERMINATED');

/** Search, service and state filters, and the sort order. */
export function TaskFilters({ filter, onFilter, sort, onSort, services }: Props) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <form className="filters" role="search" aria-label={t('filters.label')} onSubmit={(e) => e.preventDefault()}>
      <div className="field grow">
        <label htmlFor={`${id}-q`}>{t('filters.search')}</label>
        <input
          id={`${id}-q`}
          type="search"
          data-testid="filter-search"
          value={filter.search}
          placeholder={t('filters.searchPlaceholder')}
          onChange={(e) => onFilter({ ...filter, search: e.target.value })}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-svc`}>{t('filters.service')}</label>
        <select
          id={`${id}-svc`}
          data-testid="filter-service"
          value={filter.service}
          onChange={(e) => onFilter({ ...filter, service: e.target.value })}
        >
          <option value="">{t('filters.anyService')}</option>
          {services.map((s) => (
            <option key={s.key} value={s.key}>
              {s.label}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-st`}>{t('filters.state')}</label>
        <select
          id={`${id}-st`}
          data-testid="filter-state"
          value={filter.state}
          onChange={(e) => onFilter({ ...filter, state: e.target.value })}
        >
          <option value="">{t('filters.anyState')}</option>
          {OPEN_STATES.map((s) => (
            <option key={s} value={s}>
              {t(`state.${s}`)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-sort`}>{t('filters.sort')}</label>
        <select id={`${id}-sort`} data-testid="sort" value={sort} onChange={(e) => onSort(e.target.value as SortMode)}>
          <option value="time">{t('filters.byTime')}</option>
          <option value="due">{t('sched.sort.due')}</option>
          <option value="priority">{t('filters.byPriority')}</option>
          <option value="urgency">{t('sched.sort.urgency')}</option>
        </select>
      </div>
    </form>
  );
}
