import type { TaskRow } from './task-row';

/** The filters above a task list. Empty strings mean "any". */
export type TaskFilter = { search: string; service: string; state: string };
export const NO_FILTER: TaskFilter = { search: '', service: '', state: '' };

/** Text search over service label, entity label and pid (`42` or `#42`); then service and state. */
export function matchesFilter(row: TaskRow, f: TaskFilter): boolean {
  if (f.service && row.service !== f.service) return false;
  if (f.state && row.state !== f.state) return false;
  const q = f.search.trim().toLowerCase().replace(/^#/, '');
  if (!q) return true;
  return (
    row.serviceLabel.toLowerCase().includes(q) ||
    row.service.toLowerCase().includes(q) ||
    (row.entity?.label ?? '').toLowerCase().includes(q) ||
    String(row.pid) === q
  );
}
