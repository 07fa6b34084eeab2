import { api } from './api';
import { rowFromView, type TaskRow } from './task-row';
import type { ProcessPage } from './types/process';

/** GET /processes in the keyset form (500 per request, newest first), following `nextCursor`, at most `cap` rows. */
export async function loadAllProcesses(cap = 1000): Promise<TaskRow[]> {
  const rows: TaskRow[] = [];
  let cursor: string | null = null;
  do {
    const after: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const r: ProcessPage = await api.get<ProcessPage>(`/v1/processes?limit=500${after}`);
    rows.push(...r.items.map(rowFromView));
    cursor = r.nextCursor;
  } while (cursor && rows.length < cap);
  return rows.slice(0, cap);
}
