import type { TaskRow } from './task-row';

/** My-tasks groups by scheduled time. */
export type ScheduleGroup = 'today' | 'overdue' | 'upcoming';
export const SCHEDULE_GROUPS: readonly ScheduleGroup[] = ['today', 'overdue', 'upcoming'];

/** How rows are ordered within a group. */
export type SortMode = 'time' | 'priority';

const startOfDay = (now: Date): number => new Date(now.getFullYear(), now.getMonth(), now.getDate()).getTime();
const time = (iso: string | null): number | null => (iso === null ? null : Date.parse(iso));

/**
 * Overdue: scheduled before today's start, or past its deadline; today: scheduled today or unscheduled;
 * upcoming: scheduled after today (local time).
 */
export function scheduleGroupOf(row: TaskRow, now: Date): ScheduleGroup {
  const today = startOfDay(now);
  const tomorrow = startOfDay(new Date(today + 36 * 3600 * 1000));
  const at = time(row.scheduledAt);
  const deadline = time(row.deadline);
  if ((at !== null && at < today) || (deadline !== null && deadline < now.getTime())) return 'overdue';
  if (at === null || at < tomorrow) return 'today';
  return 'upcoming';
}

const byTime = (a: TaskRow, b: TaskRow): number => {
  const ta = time(a.scheduledAt);
  const tb = time(b.scheduledAt);
  if (ta === tb) return 0;
  if (ta === null) return 1;
  if (tb === null) return -1;
  return ta - tb;
};
const byPriority = (a: TaskRow, b: TaskRow): number => b.priority - a.priority;

/** Sorted copy: by scheduled time then priority (desc), or by priority then time; pid breaks ties. */
export function sortRows(rows: readonly TaskRow[], mode: SortMode): TaskRow[] {
  const [first, second] = mode === 'time' ? [byTime, byPriority] : [byPriority, byTime];
  return [...rows].sort((a, b) => first(a, b) || second(a, b) || a.pid - b.pid);
}

/** Rows split into the three groups, each sorted. */
export function groupBySchedule(rows: readonly TaskRow[], now: Date, mode: SortMode): Record<ScheduleGroup, TaskRow[]> {
  const out: Record<ScheduleGroup, TaskRow[]> = { today: [], overdue: [], upcoming: [] };
  for (const r of rows) out[scheduleGroupOf(r, now)].push(r);
  return {
    today: sortRows(out.today, mode),
    overdue: sortRows(out.overdue, mode),
    upcoming: sortRows(out.upcoming, mode),
  };
}
