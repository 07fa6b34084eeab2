'use client';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { ENTITY_GROUPS, entityGroupOf, type EntityGroup } from '../../lib/predicates';
import type { TaskRow } from '../../lib/task-row';
import { TaskGroup } from '../tasks/task-group';
import { TaskRowItem } from '../tasks/task-row-item';

/** An entity's processes in four groups: scheduled, running, paused, done. */
export function EntityGroups({ rows }: { rows: TaskRow[] }) {
  const { t } = useTranslation();
  const groups = useMemo(() => {
    const out: Record<EntityGroup, TaskRow[]> = { scheduled: [], running: [], paused: [], done: [] };
    for (const r of rows) out[entityGroupOf(r.state)].push(r);
    for (const g of ENTITY_GROUPS) out[g].sort((a, b) => (g === 'done' ? b.pid - a.pid : a.pid - b.pid));
    return out;
  }, [rows]);
  return (
    <div className="entity-groups">
      {ENTITY_GROUPS.map((g) => (
        <TaskGroup
          key={g}
          testid={`entity-group-${g}`}
          title={t(`entity.groups.${g}`)}
          rows={groups[g]}
          renderRow={(row) => <TaskRowItem key={row.pid} row={row} hideEntity processLink />}
        />
      ))}
    </div>
  );
}
