import type { TaskRow } from './task-row';
import type { CurrentDesign, WorkOrderColumn } from './types/design';

/** The work-order layout of "my tasks" in the erpsys design (私有任务). */
export const MY_TASKS_WORK_ORDER = 'si_you_ren_wu';

/** erpsys row paths the web app can resolve from a task row. */
const PATHS: Record<string, (r: TaskRow) => string | number | null> = {
  'service.label': (r) => r.serviceLabel,
  'entity_content_object.label': (r) => r.entity?.label ?? null,
  scheduled_time: (r) => r.scheduledAt,
  state: (r) => r.state,
  priority: (r) => r.priority,
  pid: (r) => r.pid,
};

/** Paths a task row already shows on its own. */
const SHOWN = new Set(Object.keys(PATHS));

/** Visible columns of the layout that the row does not already show, in layout order. */
export function extraColumns(design: CurrentDesign | null, key = MY_TASKS_WORK_ORDER): WorkOrderColumn[] {
  const layout = design?.workOrders.find((w) => w.key === key);
  if (!layout) return [];
  return layout.columns
    .filter((c) => c.visible && !SHOWN.has(c.path))
    .sort((a, b) => a.order - b.order || a.name.localeCompare(b.name));
}

/** A column's value for a row; '—' when the path is unknown or empty. */
export function columnValue(row: TaskRow, column: WorkOrderColumn): string {
  const v = PATHS[column.path]?.(row);
  return v === null || v === undefined || v === '' ? '—' : String(v);
}
