import { apiPage } from './api';
import { rowFromView } from './task-row';
import type { ProcessView } from './types/process';
import type { PartialList } from './use-live-list';

/** Rows per request of a task list (the API's maximum `limit`). */
export const TASK_PAGE_SIZE = 500;
/** Rows a task list loads at first (and again on every resync); "load more" adds a page at a time. */
export const TASK_LIST_CAP = 1000;

/**
 * GETs a keyset-paged task list (`/v1/tasks/mine`, `/v1/tasks/pool`) page by page, following `X-Next-Cursor`
 * from `cursor` (null: from the start) until the list ends or at least `cap` rows are in.
 * @returns the rows and, when the list goes on, how to load its next page.
 * @throws ApiProblem for a failed request
 */
export async function loadTaskPages(
  path: string,
  cap = TASK_LIST_CAP,
  cursor: string | null = null,
): Promise<PartialList> {
  const rows = [];
  let next = cursor;
  do {
    const query = `limit=${TASK_PAGE_SIZE}${next ? `&cursor=${encodeURIComponent(next)}` : ''}`;
    const page = await apiPage<ProcessView[]>(`${path}${path.includes('?') ? '&' : '?'}${query}`);
    rows.push(...page.body.map(rowFromView));
    next = page.next;
  } while (next && rows.length < cap);
  const after = next;
  return { rows, more: after ? () => loadTaskPages(path, TASK_PAGE_SIZE, after) : null };
}
