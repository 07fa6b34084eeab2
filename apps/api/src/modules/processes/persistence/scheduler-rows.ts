import type { OperatorSchedState, SlaClock } from '@opkernel/kernel';

/** An `operator_state` row as node-postgres returns it (the columns the scheduler reads). */
export type OperatorStateRow = {
  presence: OperatorSchedState['presence'];
  load: number;
  last_assigned_at: Date | null;
  capacity: number | null;
  calendar: string | null;
  skills: Record<string, number> | null;
};

/** Row → the kernel's operator state: times as epoch ms, skills `{skill: level}` as a list. */
export const rowToOperatorState = (r: OperatorStateRow): OperatorSchedState => ({
  presence: r.presence,
  load: r.load,
  lastAssignedAt: r.last_assigned_at?.getTime() ?? null,
  capacity: r.capacity,
  calendar: r.calendar,
  skills: Object.entries(r.skills ?? {}).map(([skill, level]) => ({ skill, level })),
});

/** The `sla_clocks` columns, in the order {@link SlaClockRow} names them. */
export const SLA_CLOCK_COLUMNS =
  'sla, status, elapsed_ms, resumed_at, next_milestone, next_due_at, passed_count, breached';

/** An `sla_clocks` row as node-postgres returns it (bigint → string, timestamptz → Date). */
export type SlaClockRow = {
  sla: string;
  status: SlaClock['status'];
  elapsed_ms: string;
  resumed_at: Date | null;
  next_milestone: SlaClock['nextMilestone'];
  next_due_at: Date | null;
  passed_count: number;
  breached: boolean;
};

/** Row → the kernel's SLA clock (times as epoch ms). */
export const rowToSlaClock = (r: SlaClockRow): SlaClock => ({
  sla: r.sla,
  status: r.status,
  elapsedMs: Number(r.elapsed_ms),
  resumedAt: r.resumed_at?.getTime() ?? null,
  nextMilestone: r.next_milestone,
  nextDueAt: r.next_due_at?.getTime() ?? null,
  passedCount: r.passed_count,
  breached: r.breached,
});
