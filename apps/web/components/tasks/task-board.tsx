'use client';
import { useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useDesign } from '../../lib/design';
import { groupBySchedule, SCHEDULE_GROUPS, type SortMode } from '../../lib/schedule';
import { matchesFilter, NO_FILTER, type TaskFilter } from '../../lib/task-filter';
import type { TaskRow } from '../../lib/task-row';
import type { LiveList } from '../../lib/use-live-list';
import { useNow } from '../../lib/use-now';
import { useMe } from '../../lib/viewer';
import { extraColumns } from '../../lib/work-order';
import { LoadError } from '../load-error';
import { TaskFilters } from './task-filters';
import { TaskGroup } from './task-group';
import { TaskRowItem } from './task-row-item';

type Props = {
  /** `list-mine` or `list-pool`. */
  testid: string;
  list: LiveList;
  /** Something at the end of each row (e.g. Claim). */
  action?(row: TaskRow): ReactNode;
};

/**
 * A live task list with filters, grouped into Today / Overdue / Upcoming; "load more" (`list-more`) when the
 * list goes on past the rows loaded.
 */
export function TaskBoard({ testid, list, action }: Props) {
  const { t } = useTranslation();
  const design = useDesign();
  const me = useMe();
  const now = useNow();
  const [filter, setFilter] = useState<TaskFilter>(NO_FILTER);
  const [sort, setSort] = useState<SortMode>('time');
  const columns = useMemo(() => extraColumns(design), [design]);

  const services = useMemo(() => {
    const labels = new Map<string, string>();
    for (const key of me.services) labels.set(key, design?.services.find((s) => s.key === key)?.label ?? key);
    for (const r of list.rows) labels.set(r.service, r.serviceLabel);
    return [...labels].map(([key, label]) => ({ key, label })).sort((a, b) => a.label.localeCompare(b.label));
  }, [me.services, design, list.rows]);

  const groups = useMemo(
    () =>
      groupBySchedule(
        list.rows.filter((r) => matchesFilter(r, filter)),
        now,
        sort,
      ),
    [list.rows, filter, now, sort],
  );

  return (
    <div className="task-board" data-testid={testid} aria-busy={list.loading}>
      <TaskFilters filter={filter} onFilter={setFilter} sort={sort} onSort={setSort} services={services} />
      <LoadError error={list.error} onRetry={list.reload} />
      {SCHEDULE_GROUPS.map((g) => (
        <TaskGroup
          key={g}
          testid={`group-${g}`}
          title={t(`groups.${g}`)}
          rows={groups[g]}
          renderRow={(row) => <TaskRowItem key={row.pid} row={row} columns={columns} action={action?.(row)} />}
        />
      ))}
      {list.hasMore && (
        <p>
          <button
            type="button"
            className="btn"
            data-testid="list-more"
            disabled={list.loadingMore}
            onClick={list.loadMore}
          >
            {t('common.loadMore', { count: list.rows.length })}
          </button>
        </p>
      )}
    </div>
  );
}
