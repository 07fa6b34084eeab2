import { api } from './api';
import { rowFromView, type TaskRow } from './task-row';
import type { ProcessPage } from './types/process';

/** GET /processes page by page (200 each, newest first), at most `cap` rows. */
export async function loadAllProcesses(cap = 1000): Promise<TaskRow[]> {
  const rows: TaskRow[] = [];
  for (let page = 1; rows.length < cap; page++) {
    const r = await api.get<ProcessPage>(`/v1/processes?pageSize=200&page=${page}`);
    rows.push(...r.items.map(rowFromView));
    if (r.items.length === 0 || page * r.pageSize >= r.total) break;
  }
  return rows.slice(0, cap);
}
