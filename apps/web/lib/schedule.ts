import type { TaskRow } from './task-row';

/** My-tasks groups by when a task is due (its SLA) or scheduled. */
export type ScheduleGroup = 'today' | 'overdue' | 'upcoming';
export const SCHEDULE_GROUPS: readonly ScheduleGroup[] = ['today', 'overdue', 'upcoming'];

/**
 * How rows are ordered within a group: scheduled time, priority, urgency (SLA urgency, then priority) or due
 * time (the SLA's next milestone, else the deadline).
 */
export type SortMode = 'time' | 'priority' | 'urgency' | 'due';
export const SORT_MODES: readonly SortMode[] = ['time', 'due', 'priority', 'urgency'];

const startOfDay = (now: Date): number => new Date(now.getFullYear(), now.getMonth(), now.getDate()).getTime();
const time = (iso: string | null | undefined): number | null => (iso == null ? null : Date.parse(iso));

/** True while a task's SLA clock counts (or is paused) — not once met, breached-and-stopped or stopped. */
const slaOpen = (row: TaskRow): boolean =>
  row.sla !== null && (row.sla.status === 'running' || row.sla.status === 'paused');

/**
 * When the task is next due, epoch ms: its SLA's next milestone (or deadline) while the clock runs, else its
 * `deadline`; null when nothing is due (no SLA and no deadline, or a paused clock without a deadline).
 */
export function dueTime(row: TaskRow): number | null {
  if (row.sla && slaOpen(row)) {
    const due = time(row.sla.nextDueAt) ?? time(row.sla.deadlineAt);
    if (due !== null) return due;
  }
  return time(row.deadline);
}

/** True when the task is past due: its SLA is breached or its deadline (SLA or own) has passed. */
export function isOverdue(row: TaskRow, now: Date): boolean {
  if (row.sla?.breached) return true;
  const deadline = (row.sla && slaOpen(row) ? time(row.sla.deadlineAt) : null) ?? time(row.deadline);
  return deadline !== null && deadline < now.getTime();
}

/**
 * Overdue: the SLA breached, a deadline passed, or scheduled before today's start; today: due or scheduled
 * today, or neither due nor scheduled; upcoming: due (or, without a due time, scheduled) after today (local
 * time). The SLA's `nextDueAt` / `deadlineAt` drive it; without an SLA, the process's `deadline` and
 * `scheduledAt`.
 */
export function scheduleGroupOf(row: TaskRow, now: Date): ScheduleGroup {
  const today = startOfDay(now);
  const tomorrow = startOfDay(new Date(today + 36 * 3600 * 1000));
  const at = time(row.scheduledAt);
  if (isOverdue(row, now) || (at !== null && at < today)) return 'overdue';
  const due = dueTime(row);
  if (due !== null) return due < tomorrow || (at !== null && at < tomorrow) ? 'today' : 'upcoming';
  if (at === null || at < tomorrow) return 'today';
  return 'upcoming';
}

const nullsLast = (ta: number | null, tb: number | null): number => {
  if (ta === tb) return 0;
  if (ta === null) return 1;
  if (tb === null) return -1;
  return ta - tb;
};
const byTime = (a: TaskRow, b: TaskRow): number => nullsLast(time(a.scheduledAt), time(b.scheduledAt));
const byDue = (a: TaskRow, b: TaskRow): number => nullsLast(dueTime(a), dueTime(b));
const byPriority = (a: TaskRow, b: TaskRow): number => b.priority - a.priority;
const byUrgency = (a: TaskRow, b: TaskRow): number => b.urgency - a.urgency;

const ORDERS: Record<SortMode, ((a: TaskRow, b: TaskRow) => number)[]> = {
  time: [byTime, byPriority],
  priority: [byPriority, byTime],
  urgency: [byUrgency, byPriority, byDue],
  due: [byDue, byUrgency, byPriority],
};

/**
 * Sorted copy: by scheduled time then priority (desc), by priority then time, by urgency (desc) then priority
 * then due time, or by due time then urgency then priority; pid breaks ties.
 */
export function sortRows(rows: readonly TaskRow[], mode: SortMode): TaskRow[] {
  const order = ORDERS[mode];
  return [...rows].sort((a, b) => {
    for (const compare of order) {
      const c = compare(a, b);
      if (c !== 0) return c;
    }
    return a.pid - b.pid;
  });
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
