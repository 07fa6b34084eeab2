import { DateTime, Duration } from 'luxon';
import { lanesOf } from './lanes';
import type { SlaAction, SlaDef, SlaMilestone } from './sla';
import {
  DEFAULT_SCHEDULER_SETTINGS,
  type AssignBy,
  type Attendance,
  type CalendarDef,
  type Distribution,
  type Leave,
  type SchedulerSettings,
  type SkillLevel,
  type SkillRequirement,
} from './types';

/**
 * The scheduler's view of a design version (reference/scheduler.md §1.1): the design's ISO durations and
 * date-times turned into ms, calendars into {@link CalendarDef}s, SLAs into {@link SlaDef}s, and every lane the
 * design's services can put work into. `@opkernel/design`'s `DesignDocument` satisfies the input types
 * structurally (the kernel does not import the design library). Sections a design lacks take the defaults: no
 * skills, weight 1, 30 minutes, no SLA, no calendar (always open), {@link DEFAULT_SCHEDULER_SETTINGS}.
 */

/** The built-in always-open calendar key. */
export const ALWAYS_OPEN = '24x7';

export type SchedulerServiceInput = {
  key: string;
  routeTo: string | null;
  skills?: Array<SkillRequirement & { dropAfter?: string | null }>;
  capacityWeight?: number;
  expectedDuration?: string;
  sla?: string | null;
  resourceRequirements?: Array<{ resourceType: string; quantity: number }>;
};
export type SchedulerCalendarInput = {
  key: string;
  tz: string;
  attendances: Attendance[];
  holidays?: string[];
  leaves?: Array<{ from: string; to: string; reason?: string }>;
};
export type SchedulerSlaInput = {
  key: string;
  calendar?: string;
  goal: string | null;
  deadline: string | null;
  passedDeadline?: { every: string; times: number | null } | null;
  urgency?: Partial<Record<SlaMilestone, number>>;
  actions?: Partial<Record<SlaMilestone, SlaAction[]>>;
  pauseIn?: string[];
  pauseOnResourceWait?: boolean;
};
export type SchedulerDesignInput = {
  services: SchedulerServiceInput[];
  roles: Array<{
    key: string;
    services: string[];
    scheduler?: { distribution?: Distribution; assignBy?: AssignBy } | null;
  }>;
  operators?: Array<{ key: string; skills?: SkillLevel[]; capacity?: number | null; calendar?: string | null }>;
  skills?: Array<{ key: string }>;
  calendars?: SchedulerCalendarInput[];
  slas?: SchedulerSlaInput[];
  scheduler?: Partial<SchedulerSettings>;
};

/** What the scheduler needs of one service. */
export type ServiceSchedule = {
  requirements: SkillRequirement[];
  /** Additional skills drop after this many ms waiting (the smallest `dropAfter`), or null. */
  relaxAfterMs: number | null;
  weight: number;
  expectedMs: number;
  sla: string | null;
  resources: Array<{ type: string; quantity: number }>;
};

export type SchedulerIndex = {
  settings: SchedulerSettings;
  services: Map<string, ServiceSchedule>;
  calendars: Map<string, CalendarDef>;
  slas: Map<string, SlaDef>;
  /** Per role: its distribution and assign-by, the design's unless the role overrides them. */
  roles: Map<string, { distribution: Distribution; assignBy: AssignBy }>;
  /** Every lane a task of the design can wait in (strict and relaxed signatures). */
  lanes: Set<string>;
  /** The skills the design defines (keys). */
  skills: Set<string>;
  /** The design's operators: skills, capacity (null = unlimited) and calendar key. */
  operators: Map<string, { skills: SkillLevel[]; capacity: number | null; calendar: string | null }>;
  /**
   * Leaves of one operator or resource (keys from {@link operatorOwner} / {@link resourceOwner}), on top of their
   * calendar's own; absent or empty = none (a design has none: they are runtime data).
   */
  ownerLeaves?: Map<string, Leave[]>;
};

/** The {@link SchedulerIndex.ownerLeaves} key of an operator. */
export const operatorOwner = (key: string): string => `operator:${key}`;
/** The {@link SchedulerIndex.ownerLeaves} key of a resource. */
export const resourceOwner = (key: string): string => `resource:${key}`;

/** `24x7` as a calendar, for an owner that has leaves but no calendar. */
const ALWAYS_OPEN_DEF: CalendarDef = Object.freeze({
  key: ALWAYS_OPEN,
  tz: 'UTC',
  attendances: [{ days: [1, 2, 3, 4, 5, 6, 7], from: '00:00', to: '24:00' }],
  holidays: [],
  leaves: [],
}) as CalendarDef;

/** An ISO-8601 duration in ms. @throws RangeError naming `what` when it is not a valid duration */
export function durationMs(iso: string, what: string): number {
  const d = Duration.fromISO(iso);
  if (!d.isValid) throw new RangeError(`${what}: "${iso}" is not an ISO-8601 duration`);
  return d.toMillis();
}

/** An ISO-8601 date-time in epoch ms. @throws RangeError naming `what` */
function instantMs(iso: string, what: string): number {
  const t = DateTime.fromISO(iso, { setZone: true });
  if (!t.isValid) throw new RangeError(`${what}: "${iso}" is not an ISO-8601 date-time`);
  return t.toMillis();
}

/**
 * The calendar an operator, resource or SLA names: null for none or the built-in `24x7` (always open). With
 * `owner` (an {@link operatorOwner} / {@link resourceOwner} key), that owner's own leaves are cut out too (a
 * `24x7` owner on leave gets an always-open calendar with those leaves).
 */
export function calendarOf(index: SchedulerIndex, key: string | null | undefined, owner?: string): CalendarDef | null {
  const base = !key || key === ALWAYS_OPEN ? null : (index.calendars.get(key) ?? null);
  const own = owner ? index.ownerLeaves?.get(owner) : undefined;
  if (!own || own.length === 0) return base;
  const cal = base ?? ALWAYS_OPEN_DEF;
  return { ...cal, leaves: [...cal.leaves, ...own] };
}

/**
 * The index with the runtime calendars (the stored ones, which an admin manages) instead of the design's:
 * `calendars` replaces the design's calendars entirely, SLAs re-resolve theirs by key, `ownerLeaves` become the
 * operators' and resources' leaves. Pure; the design's index is not changed.
 */
export function withRuntimeCalendars(
  index: SchedulerIndex,
  calendars: Map<string, CalendarDef>,
  ownerLeaves: Map<string, Leave[]>,
): SchedulerIndex {
  const next: SchedulerIndex = { ...index, calendars, ownerLeaves, slas: new Map() };
  for (const [key, def] of index.slas)
    next.slas.set(key, def.calendarKey === undefined ? def : { ...def, calendar: calendarOf(next, def.calendarKey) });
  return next;
}

const DEFAULT_SERVICE: ServiceSchedule = Object.freeze({
  requirements: [],
  relaxAfterMs: null,
  weight: 1,
  expectedMs: 30 * 60_000,
  sla: null,
  resources: [],
}) as ServiceSchedule;

/** The schedule of a service (defaults for one the index does not know). */
export const serviceSchedule = (index: SchedulerIndex, service: string): ServiceSchedule =>
  index.services.get(service) ?? DEFAULT_SERVICE;

/**
 * Builds the scheduler's index of a design. Pure; O(size of the design).
 * @throws RangeError for a malformed duration or date-time (a validated design has none)
 */
export function schedulerIndex(design: SchedulerDesignInput): SchedulerIndex {
  const settings: SchedulerSettings = { ...DEFAULT_SCHEDULER_SETTINGS, ...(design.scheduler ?? {}) };
  const calendars = new Map<string, CalendarDef>();
  for (const c of design.calendars ?? [])
    calendars.set(c.key, {
      key: c.key,
      tz: c.tz,
      attendances: c.attendances,
      holidays: c.holidays ?? [],
      leaves: (c.leaves ?? []).map((l, i) => ({
        from: instantMs(l.from, `calendars.${c.key}.leaves[${i}].from`),
        to: instantMs(l.to, `calendars.${c.key}.leaves[${i}].to`),
        ...(l.reason ? { reason: l.reason } : {}),
      })),
    });
  const index: SchedulerIndex = {
    settings,
    services: new Map(),
    calendars,
    slas: new Map(),
    roles: new Map(),
    lanes: new Set(),
    skills: new Set((design.skills ?? []).map((k) => k.key)),
    operators: new Map(
      (design.operators ?? []).map((o) => [
        o.key,
        { skills: o.skills ?? [], capacity: o.capacity ?? null, calendar: o.calendar ?? null },
      ]),
    ),
  };
  for (const s of design.slas ?? []) {
    const where = `slas.${s.key}`;
    index.slas.set(s.key, {
      key: s.key,
      calendar: calendarOf(index, s.calendar),
      calendarKey: s.calendar ?? null,
      goalMs: s.goal ? durationMs(s.goal, `${where}.goal`) : null,
      deadlineMs: s.deadline ? durationMs(s.deadline, `${where}.deadline`) : null,
      passed: s.passedDeadline
        ? {
            everyMs: durationMs(s.passedDeadline.every, `${where}.passedDeadline.every`),
            times: s.passedDeadline.times,
          }
        : null,
      urgency: { goal: 10, deadline: 20, passed: 10, ...(s.urgency ?? {}) },
      actions: { goal: [], deadline: [], passed: [], ...(s.actions ?? {}) },
      pauseIn: (s.pauseIn ?? ['WAITING', 'SUSPENDED']) as SlaDef['pauseIn'],
      pauseOnResourceWait: s.pauseOnResourceWait ?? false,
    });
  }
  const rolesByService = new Map<string, string[]>();
  for (const role of design.roles) {
    index.roles.set(role.key, {
      distribution: role.scheduler?.distribution ?? settings.distribution,
      assignBy: role.scheduler?.assignBy ?? settings.assignBy,
    });
    for (const svc of role.services) rolesByService.set(svc, [...(rolesByService.get(svc) ?? []), role.key]);
  }
  for (const s of design.services) {
    const drops = (s.skills ?? []).flatMap((k) =>
      k.additional && k.dropAfter ? [durationMs(k.dropAfter, `services.${s.key}.skills`)] : [],
    );
    const schedule: ServiceSchedule = {
      requirements: (s.skills ?? []).map(({ skill, level, additional }) => ({
        skill,
        level,
        additional: additional ?? false,
      })),
      relaxAfterMs: drops.length > 0 ? Math.min(...drops) : null,
      weight: s.capacityWeight ?? 1,
      expectedMs: s.expectedDuration
        ? durationMs(s.expectedDuration, `services.${s.key}.expectedDuration`)
        : DEFAULT_SERVICE.expectedMs,
      sla: s.sla ?? null,
      resources: (s.resourceRequirements ?? []).map((r) => ({ type: r.resourceType, quantity: r.quantity })),
    };
    index.services.set(s.key, schedule);
    const roles = s.routeTo ? [s.routeTo] : (rolesByService.get(s.key) ?? []);
    for (const lane of [...lanesOf(roles, schedule.requirements), ...lanesOf(roles, schedule.requirements, true)])
      index.lanes.add(lane);
  }
  return index;
}
