/**
 * Shapes the scheduler's pure functions work on (reference/scheduler.md §1). Times are epoch milliseconds (UTC);
 * durations are milliseconds; levels are 1–10; weights and capacities are counts of capacity units.
 */

/** One weekly working interval of a calendar, in the calendar's time zone (Odoo `resource.calendar.attendance`). */
export type Attendance = {
  /** ISO weekdays it applies to: 1 = Monday … 7 = Sunday. */
  days: number[];
  /** Local start, `HH:mm`. */
  from: string;
  /** Local end, `HH:mm`, after `from`; `24:00` = midnight at the end of the day. */
  to: string;
  /** Only in even (0) or odd (1) weeks, Odoo's `floor((ordinal − 1) / 7) % 2` of the local date; absent = every week. */
  weekParity?: 0 | 1;
  /** First local date (`YYYY-MM-DD`) it applies on; absent = always. */
  validFrom?: string;
  /** Last local date (`YYYY-MM-DD`) it applies on; absent = always. */
  validTo?: string;
};

/** A time off a calendar: `[from, to)` epoch ms. */
export type Leave = { from: number; to: number; reason?: string };

/**
 * A business calendar: weekly attendances in an IANA time zone, minus holidays (whole local dates) and leaves.
 * An operator or resource without a calendar is always open (the built-in `24x7`).
 */
export type CalendarDef = {
  key: string;
  /** IANA time zone, e.g. `Asia/Shanghai`. */
  tz: string;
  attendances: Attendance[];
  /** Local dates (`YYYY-MM-DD`) on which the calendar is closed all day. */
  holidays: string[];
  leaves: Leave[];
};

/** A required skill of a service: the operator needs `level` or more. */
export type SkillRequirement = { skill: string; level: number; additional?: boolean };

/** An operator's skill: `skill` at `level` (1–10). */
export type SkillLevel = { skill: string; level: number };

/** Whether tasks of a role are pushed to operators or pulled by them (reference §2.2, §2.3). */
export type Distribution = 'pull' | 'push';

/** How push picks among available operators: most remaining capacity, or longest since last assigned. */
export type AssignBy = 'most_capacity' | 'last_assigned';

/** Scheduler settings of a design (reference §1.1); {@link DEFAULT_SCHEDULER_SETTINGS} when the design has none. */
export type SchedulerSettings = {
  /** Effective points a waiting task gains per hour (linear aging). */
  agingPointsPerHour: number;
  /** Fairness quantum Q, ms: how far a key's own backlog pushes its next task back, per capacity unit. */
  fairQuantumMs: number;
  /** True: priority + urgency is a strict class (aging only orders within it). */
  strictPriority: boolean;
  distribution: Distribution;
  assignBy: AssignBy;
  /** Push prefers the operator with most skill surplus. */
  evaluateSkillLevel: boolean;
  /** Push prefers whoever started the journey (today's sticky assignment). */
  preferStarter: boolean;
};

export const DEFAULT_SCHEDULER_SETTINGS: Readonly<SchedulerSettings> = Object.freeze({
  agingPointsPerHour: 60,
  fairQuantumMs: 1000,
  strictPriority: false,
  distribution: 'pull',
  assignBy: 'most_capacity',
  evaluateSkillLevel: true,
  preferStarter: true,
});
