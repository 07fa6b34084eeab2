import { z } from 'zod';

/** Page size of keyset-paged lists (`limit`): used when absent, and the largest accepted. */
export const PAGE_LIMIT = { default: 100, max: 500 } as const;

/** The query parameters of keyset paging; a bad value of either is a 400 problem naming it. */
export const KEYSET_FIELDS = ['cursor', 'limit'] as const;

/**
 * Ordering key of a task list row (`scheduled_at ASC NULLS LAST, priority DESC, pid ASC`): the scheduled time as
 * PostgreSQL has it, exactly (ISO-8601 UTC with microseconds; null = unscheduled), the priority and the pid.
 */
export type TaskCursor = { scheduledAt: string | null; priority: number; pid: number };

/** Ordering key of the process list (`pid DESC`). */
export type ProcessCursor = { pid: number };

const TASK_TAG = 't';
const PROCESS_TAG = 'p';
const MAX_CURSOR_LENGTH = 200;
const EXACT_TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\.\d{6}Z$/;

const isPid = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 1;
const isPriority = (v: unknown): v is number =>
  Number.isSafeInteger(v) && (v as number) >= -2_147_483_648 && (v as number) <= 2_147_483_647;

/** True for a time {@link TaskCursor} can carry: a real calendar instant in the exact form. */
function isExactTime(v: unknown): v is string {
  const m = typeof v === 'string' ? EXACT_TIME.exec(v) : null;
  if (!m) return false;
  const ms = Date.parse(`${m[1]}Z`);
  // Round-tripping the seconds catches dates that do not exist (2026-02-30).
  return Number.isFinite(ms) && new Date(ms).toISOString().slice(0, 19) === m[1];
}

/** base64url(JSON) of a tagged key; what clients get as `cursor` (opaque to them). */
function encode(key: readonly unknown[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/** The JSON array a cursor holds, or null when it is not base64url of a JSON array. */
function decode(cursor: string): unknown[] | null {
  if (cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return Array.isArray(value) ? value : null;
  } catch {
    return null;
  }
}

/** The opaque `cursor` of a task list page ending at `key`. */
export function encodeTaskCursor(key: TaskCursor): string {
  return encode([TASK_TAG, key.scheduledAt, key.priority, key.pid]);
}

/** The key in a task list cursor, or null when `cursor` is not one (malformed, or of another list). */
export function decodeTaskCursor(cursor: string): TaskCursor | null {
  const v = decode(cursor);
  if (!v || v.length !== 4 || v[0] !== TASK_TAG) return null;
  const [, scheduledAt, priority, pid] = v;
  if (!(scheduledAt === null || isExactTime(scheduledAt)) || !isPriority(priority) || !isPid(pid)) return null;
  return { scheduledAt, priority, pid };
}

/** The opaque `cursor` of a process list page ending at `key`. */
export function encodeProcessCursor(key: ProcessCursor): string {
  return encode([PROCESS_TAG, key.pid]);
}

/** The key in a process list cursor, or null when `cursor` is not one. */
export function decodeProcessCursor(cursor: string): ProcessCursor | null {
  const v = decode(cursor);
  if (!v || v.length !== 2 || v[0] !== PROCESS_TAG || !isPid(v[1])) return null;
  return { pid: v[1] };
}

/** `limit`: decimal digits, 1 to {@link PAGE_LIMIT}.max. */
export const LimitParam = z
  .string()
  .regex(/^[0-9]{1,6}$/, `must be an integer from 1 to ${PAGE_LIMIT.max}`)
  .transform(Number)
  .pipe(
    z
      .number()
      .int()
      .min(1, `must be an integer from 1 to ${PAGE_LIMIT.max}`)
      .max(PAGE_LIMIT.max, `must be an integer from 1 to ${PAGE_LIMIT.max}`),
  );

/** `cursor` parsed with `decodeCursor`; anything it refuses is an issue on `cursor`. */
export function cursorParam<T>(decodeCursor: (s: string) => T | null) {
  return z.string().transform((s, ctx): T => {
    const key = decodeCursor(s);
    if (key === null) {
      ctx.addIssue({
        code: 'custom',
        message: 'is not a cursor of this list (use the next cursor of a previous page)',
      });
      return z.NEVER;
    }
    return key;
  });
}

/** `GET /tasks/mine` and `/tasks/pool`: `limit` (default {@link PAGE_LIMIT}.default) and `cursor`. */
export const TaskListQuery = z
  .object({
    limit: LimitParam.default(PAGE_LIMIT.default),
    cursor: cursorParam(decodeTaskCursor).optional(),
  })
  .strict();
export type TaskListDto = z.infer<typeof TaskListQuery>;
