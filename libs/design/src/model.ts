import { DateTime, Duration } from 'luxon';
import { z } from 'zod';
import { DEFAULT_SCHEDULER_SETTINGS, SYS_CALLS, type SchedulerDesignInput } from '@opkernel/kernel';
import { Automation, Deck } from './automation';
import { Key } from './key';
import { EventTrigger } from './event-triggers';
import { Device } from './devices';
import { Schedule } from './schedules';

/**
 * The design-time model of opkernel: services, events, instructions, service rules, roles, operators,
 * resources, entity types, work-order layouts, the scheduler's sections (skills, calendars, SLAs, settings) and
 * the decks that run automated services (`automation.ts`).
 * One {@link DesignDocument} is the unit that is imported, validated, versioned and handed to the kernel. Every
 * element has a stable `key`; imports upsert by key.
 *
 * Source of the vocabulary: the Django original (reference/erpsys-original.md §1.2, §1.3); the scheduler's
 * sections: reference/scheduler.md §1.1, §2.5. Times in the design are ISO-8601 strings (durations, dates,
 * date-times) where the kernel's scheduler uses milliseconds.
 */

export { Key } from './key';
// Decks, routes and DAGs (a service's `automation`, the design's `decks`).
export * from './automation';
export * from './event-triggers';
export * from './devices';
export * from './schedules';

/**
 * A zod refinement failure with a stable issue code: `validateDesign` reports `params.code` (e.g.
 * `invalid_duration`) instead of zod's generic `custom`.
 */
function customIssue(code: string, message: string) {
  return { message, params: { code } };
}

/** Milliseconds of an ISO-8601 duration as luxon reads it (a month counts 30 days, a year 365), or NaN. */
function durationMillis(text: string): number {
  const duration = Duration.fromISO(text);
  return duration.isValid ? duration.toMillis() : Number.NaN;
}

/**
 * A positive ISO-8601 duration, e.g. `PT30M`, `PT1.5H`, `P1D`, `P1W` (upper-case designators, as luxon reads
 * them; months and years count 30 and 365 days). Issue code `invalid_duration` otherwise (also for `PT0S`, `P`).
 */
export const IsoDuration = z
  .string()
  .refine(
    (text) => durationMillis(text) > 0,
    customIssue('invalid_duration', 'must be a positive ISO-8601 duration such as "PT30M" or "P1D"'),
  );
export type IsoDuration = z.infer<typeof IsoDuration>;

/**
 * An IANA time zone name as luxon (Intl) knows it, e.g. `Asia/Shanghai`, `Europe/Berlin`, `UTC`. The
 * server-dependent `local` and `system` are refused. Issue code `invalid_time_zone`.
 */
export const TimeZone = z
  .string()
  .min(1)
  .refine(
    (tz) => !['local', 'system'].includes(tz.toLowerCase()) && DateTime.local().setZone(tz).isValid,
    customIssue('invalid_time_zone', 'must be an IANA time zone such as "Asia/Shanghai"'),
  );

/** A local calendar date `YYYY-MM-DD` that exists (zod's ISO date: `2026-02-30` is refused). */
export const LocalDate = z.iso.date();

const LOCAL_TIME = /^(?:[01]\d|2[0-3]):[0-5]\d$/;
/** A local wall-clock time `HH:mm`, `00:00`–`23:59`. */
export const LocalTime = z.string().regex(LOCAL_TIME, 'must be a local time "HH:mm" (00:00–23:59)');
/** The end of a local interval: `HH:mm` or `24:00` (midnight at the end of the day). */
export const LocalEndTime = z
  .string()
  .regex(/^(?:(?:[01]\d|2[0-3]):[0-5]\d|24:00)$/, 'must be a local time "HH:mm" (00:00–24:00)');

/** Where an element came from in a foreign system (erpsys ids and primary keys), kept for traceability. */
export const ExternalRef = z
  .object({
    erpsysId: z.string().optional(),
    kernelPk: z.number().int().optional(),
    designPk: z.number().int().optional(),
  })
  .strict();
export type ExternalRef = z.infer<typeof ExternalRef>;

/**
 * Kind of service:
 * - `manual`: a human task (appears in task lists);
 * - `system`: automated work (run by a deck worker; until then it stays READY in the system pool);
 * - `program`: a pure rule scope (e.g. erpsys 标准服务程序) that is never instantiated as a task.
 * A `manual` or `system` service that owns rules (rules whose `program` is its key) is *composite*:
 * its processes are program instances run by the kernel (reference §3.7).
 */
export const ServiceKind = z.enum(['manual', 'system', 'program']);
export type ServiceKind = z.infer<typeof ServiceKind>;

/** One resource a service needs while it runs: `quantity` units of `resourceType`. */
export const ResourceRequirement = z.object({ resourceType: Key, quantity: z.number().int().positive() }).strict();

/** A JSON Schema object (draft 2020-12 subset) describing the form submitted when a task completes. */
export const JsonSchema = z.record(z.string(), z.unknown());
export type JsonSchema = z.infer<typeof JsonSchema>;

/** A skill operators may hold and services may require (Pega skill, Omni-Channel skill). */
export const Skill = z.object({ key: Key, label: z.string().min(1), external: ExternalRef.optional() }).strict();
export type Skill = z.infer<typeof Skill>;

/** A skill level, 1 (novice) – 10 (expert), as Pega rates skills. */
const SkillLevelValue = z.number().int().min(1).max(10);

/**
 * A skill a service requires: an operator needs `skill` at `level` or more. An `additional` skill is only
 * preferred: after `dropAfter` (from when the task became ready) it is dropped from the requirement (Omni-Channel
 * `IsAdditionalSkill`, `dropAdditionalSkillsTimeout`); `dropAfter` is only allowed on additional skills
 * (issue code `drop_after_needs_additional`), null = never dropped.
 */
export const ServiceSkill = z
  .object({
    skill: Key,
    level: SkillLevelValue,
    additional: z.boolean().default(false),
    /** ISO-8601 duration after which an additional skill is no longer required, or null. */
    dropAfter: IsoDuration.nullable().default(null),
  })
  .strict()
  .superRefine((req, ctx) => {
    if (req.dropAfter != null && req.additional !== true) {
      ctx.addIssue({
        code: 'custom',
        path: ['dropAfter'],
        ...customIssue('drop_after_needs_additional', 'dropAfter is only allowed on an additional skill'),
      });
    }
  });
export type ServiceSkill = z.infer<typeof ServiceSkill>;

/** A skill an operator holds, at `level` 1–10. */
export const OperatorSkill = z.object({ skill: Key, level: SkillLevelValue }).strict();
export type OperatorSkill = z.infer<typeof OperatorSkill>;

export const Service = z
  .object({
    key: Key,
    label: z.string().min(1),
    kind: ServiceKind,
    /** Entity type served (an {@link EntityType} key, e.g. `Operator`), or null. */
    entityType: Key.nullable().default(null),
    /** Form as JSON Schema; null when the service has no form (e.g. a Log record). */
    form: JsonSchema.nullable().default(null),
    /** Name of the original record model (erpsys `config.subject.name`), informational. */
    recordModel: z.string().nullable().default(null),
    /** Role key that new tasks of this service are routed to, or null. */
    routeTo: Key.nullable().default(null),
    /** Priority given to new processes when the rule or request names none (0 = lowest). */
    defaultPriority: z.number().int().min(0).max(1000).default(0),
    /** True when an operator may start this service by hand (an entry point). */
    manualStart: z.boolean().default(false),
    resourceRequirements: z.array(ResourceRequirement).default([]),
    /** Sub-services this service consists of (bill of materials), informational. */
    consists: z.array(Key).default([]),
    /** Skills an operator needs to be offered or to pull a task of this service (each skill once). */
    skills: z.array(ServiceSkill).default([]),
    /** Capacity units a task of this service takes of its operator's `capacity` (Omni-Channel capacity weight). */
    capacityWeight: z.number().int().min(1).default(1),
    /** Expected working time of one task, ISO-8601 duration (used for resource bookings and estimates). */
    expectedDuration: IsoDuration.default('PT30M'),
    /** Key of the {@link Sla} that runs on each task of this service, or null for none. */
    sla: Key.nullable().default(null),
    /** What runs a `system` service by itself: a route through decks or a DAG ({@link Automation}), or null. */
    automation: Automation.nullable().default(null),
    external: ExternalRef.optional(),
  })
  .strict();
export type Service = z.infer<typeof Service>;

export const Event = z
  .object({
    key: Key,
    label: z.string().min(1),
    description: z.string().nullable().default(null),
    /** FEEL expression evaluated against the process's evaluation context; true fires the rule. */
    expression: z.string().min(1),
    /** Names of parameters the event declares (informational). */
    parameters: z.array(z.string()).default([]),
    external: ExternalRef.optional(),
  })
  .strict();
export type Event = z.infer<typeof Event>;

/** The kernel's system calls (reference §3.5), plus `terminate`. */
/** The kernel's system calls: the one list is the kernel's registry (`SYS_CALLS`), so the two cannot drift. */
export const SysCall = z.enum(SYS_CALLS);
export type SysCall = z.infer<typeof SysCall>;

export const Instruction = z
  .object({
    key: Key,
    label: z.string().min(1),
    sysCall: SysCall,
    /** Declared parameter names; values come from each rule's `parameterValues`. */
    parameters: z.array(z.string()).default([]),
    external: ExternalRef.optional(),
  })
  .strict();
export type Instruction = z.infer<typeof Instruction>;

/**
 * "When `event` holds for a process of service `subject` inside program `program`, run `instruction`
 * on `operand`." Rules of one program are evaluated in `order`, then `key`.
 */
export const ServiceRule = z
  .object({
    key: Key,
    label: z.string().min(1),
    /** The program (a service key) this rule belongs to: its scope. */
    program: Key,
    order: z.number().int(),
    /** Service of the process being evaluated. */
    subject: Key,
    event: Key,
    /** Instruction key, or null for a rule that is only logged. */
    instruction: Key.nullable().default(null),
    /** Service started/called by the instruction, or null. */
    operand: Key.nullable().default(null),
    /** Instruction parameter values, e.g. `{ iterations: 3 }`, `{ operators: ['chen_yi_sheng'] }`. */
    parameterValues: z.record(z.string(), z.unknown()).default({}),
    external: ExternalRef.optional(),
  })
  .strict();
export type ServiceRule = z.infer<typeof ServiceRule>;

/** Whether tasks are pulled by operators ("get next work") or pushed to them (offered/assigned). */
export const Distribution = z.enum(['pull', 'push']);
export type Distribution = z.infer<typeof Distribution>;

/** How push picks among available operators: most remaining capacity, or longest since last assigned. */
export const AssignBy = z.enum(['most_capacity', 'last_assigned']);
export type AssignBy = z.infer<typeof AssignBy>;

/** A role's overrides of the design's {@link SchedulerSettings}; an absent member keeps the design's value. */
export const RoleScheduler = z
  .object({ distribution: Distribution.optional(), assignBy: AssignBy.optional() })
  .strict();
export type RoleScheduler = z.infer<typeof RoleScheduler>;

export const Role = z
  .object({
    key: Key,
    label: z.string().min(1),
    /** Services operators holding this role may work on. */
    services: z.array(Key).default([]),
    /** Scheduler overrides for tasks routed to this role, or null to use the design's `scheduler` settings. */
    scheduler: RoleScheduler.nullable().default(null),
    external: ExternalRef.optional(),
  })
  .strict();
export type Role = z.infer<typeof Role>;

export const Operator = z
  .object({
    key: Key,
    label: z.string().min(1),
    /** Login name, or null for an operator that cannot log in (e.g. a customer without account). */
    username: z.string().min(1).nullable().default(null),
    roles: z.array(Key).default([]),
    organisation: z.string().nullable().default(null),
    /** Staff can log in to the operator app; customers cannot. */
    staff: z.boolean().default(false),
    admin: z.boolean().default(false),
    /** Key of a related staff operator (e.g. a customer's account manager). */
    relatedStaff: Key.nullable().default(null),
    /** Skills held, each skill once (levels 1–10). */
    skills: z.array(OperatorSkill).default([]),
    /** Capacity units the operator works on at once (see `Service.capacityWeight`); null = unlimited. */
    capacity: z.number().int().min(1).nullable().default(null),
    /** Working-hours {@link Calendar} key (or `24x7`); null = always on shift. */
    calendar: Key.nullable().default(null),
    external: ExternalRef.optional(),
  })
  .strict();
export type Operator = z.infer<typeof Operator>;

export const ResourceType = z
  .object({
    key: Key,
    label: z.string().min(1),
    /** erpsys ResourceType: consumption, time-division multiplexed, recycle, shared. */
    usage: z.enum(['consumption', 'tdm', 'recycle', 'shared']),
    external: ExternalRef.optional(),
  })
  .strict();
export type ResourceType = z.infer<typeof ResourceType>;

export const Resource = z
  .object({
    key: Key,
    label: z.string().min(1),
    type: Key,
    /** Units usable at once (1 = exclusive). */
    capacity: z.number().int().positive().default(1),
    /** Opening-hours {@link Calendar} key (or `24x7`); null = always available. */
    calendar: Key.nullable().default(null),
    external: ExternalRef.optional(),
  })
  .strict();
export type Resource = z.infer<typeof Resource>;

export const EntityType = z.object({ key: Key, label: z.string().min(1), external: ExternalRef.optional() }).strict();
export type EntityType = z.infer<typeof EntityType>;

/** A list-column layout (erpsys WorkOrder): `path` is a dot path into the task row. */
export const WorkOrderColumn = z
  .object({
    label: z.string(),
    name: z.string(),
    path: z.string(),
    visible: z.boolean().default(true),
    order: z.number().int().default(0),
  })
  .strict();
export const WorkOrder = z
  .object({
    key: Key,
    label: z.string().min(1),
    columns: z.array(WorkOrderColumn).default([]),
    external: ExternalRef.optional(),
  })
  .strict();
export type WorkOrder = z.infer<typeof WorkOrder>;

/** Key of the built-in calendar that is always open; a design must not define a calendar with this key. */
export const BUILTIN_CALENDAR_KEY = '24x7' as const;

/**
 * One weekly working interval of a calendar, in the calendar's time zone (the shape of Odoo
 * `resource.calendar.attendance`; maps 1:1 onto the kernel's scheduler `Attendance`). `to` must be after `from`
 * and `validTo` not before `validFrom` (issue code `invalid_range`).
 */
export const Attendance = z
  .object({
    /** ISO weekdays it applies to: 1 = Monday … 7 = Sunday; at least one. */
    days: z.array(z.number().int().min(1).max(7)).min(1),
    /** Local start, `HH:mm`. */
    from: LocalTime,
    /** Local end, `HH:mm` after `from`, or `24:00` (midnight at the end of the day). */
    to: LocalEndTime,
    /**
     * Only in even (0) or odd (1) weeks (Odoo's `floor((ordinal − 1) / 7) % 2` of the local date); absent = every
     * week.
     */
    weekParity: z.union([z.literal(0), z.literal(1)]).optional(),
    /** First local date it applies on, `YYYY-MM-DD`; absent = always. */
    validFrom: LocalDate.optional(),
    /** Last local date it applies on, `YYYY-MM-DD`; absent = always. */
    validTo: LocalDate.optional(),
  })
  .strict()
  .superRefine((a, ctx) => {
    // Compared only when well-formed (a malformed value has its own issue): `HH:mm` strings order as times.
    if (LocalTime.safeParse(a.from).success && LocalEndTime.safeParse(a.to).success && a.to <= a.from) {
      ctx.addIssue({
        code: 'custom',
        path: ['to'],
        ...customIssue('invalid_range', `must be after from (${a.from})`),
      });
    }
    const { validFrom, validTo } = a;
    const datesValid = LocalDate.safeParse(validFrom).success && LocalDate.safeParse(validTo).success;
    if (datesValid && validFrom !== undefined && validTo !== undefined && validTo < validFrom) {
      ctx.addIssue({
        code: 'custom',
        path: ['validTo'],
        ...customIssue('invalid_range', `must not be before validFrom (${a.validFrom})`),
      });
    }
  });
export type Attendance = z.infer<typeof Attendance>;

/** An ISO-8601 date-time with a UTC offset or `Z`, e.g. `2026-05-01T09:00:00+08:00`. */
export const OffsetDateTime = z.iso.datetime({ offset: true });

/** A time off a calendar, `[from, to)`: `to` must be after `from` (issue code `invalid_range`). */
export const CalendarLeave = z
  .object({
    from: OffsetDateTime,
    to: OffsetDateTime,
    reason: z.string().optional(),
  })
  .strict()
  .superRefine((leave, ctx) => {
    if (!OffsetDateTime.safeParse(leave.from).success || !OffsetDateTime.safeParse(leave.to).success) return;
    const from = Date.parse(leave.from);
    const to = Date.parse(leave.to);
    if (Number.isFinite(from) && Number.isFinite(to) && to <= from) {
      ctx.addIssue({
        code: 'custom',
        path: ['to'],
        ...customIssue('invalid_range', `must be after from (${leave.from})`),
      });
    }
  });
export type CalendarLeave = z.infer<typeof CalendarLeave>;

/**
 * A business calendar (kernel `CalendarDef`): weekly attendances in an IANA time zone, minus holidays (whole local
 * dates) and leaves. Operators, resources and SLAs name it by key; `24x7` is built in (always open).
 */
export const Calendar = z
  .object({
    key: Key,
    label: z.string().min(1).optional(),
    /** IANA time zone the attendances and holidays are read in, e.g. `Asia/Shanghai`. */
    tz: TimeZone,
    /** Weekly working intervals; at least one (a calendar that is never open is refused). */
    attendances: z.array(Attendance).min(1),
    /** Local dates (`YYYY-MM-DD`) on which the calendar is closed all day. */
    holidays: z.array(LocalDate).default([]),
    /** Times off, `[from, to)` ISO date-times with offsets. */
    leaves: z.array(CalendarLeave).default([]),
    external: ExternalRef.optional(),
  })
  .strict();
export type Calendar = z.infer<typeof Calendar>;

/** An SLA urgency increment, 0–100 (a process's urgency is capped at 100). */
const UrgencyPoints = z.number().int().min(0).max(100);

/** Where `reassign` sends a task: back to its pool, to a role's pool, or to one operator. */
export const SlaReassignTarget = z.union([
  z.literal('pool'),
  z.object({ role: Key }).strict(),
  z.object({ operator: Key }).strict(),
]);
export type SlaReassignTarget = z.infer<typeof SlaReassignTarget>;

/**
 * What an SLA milestone does besides raising the urgency (reference scheduler.md §2.5):
 * - `raise_urgency {by}`: add `by` (1–100) more urgency points;
 * - `reassign {to, force}`: move a READY task (any open task with `force`) to `pool`, `{role}` or `{operator}`;
 * - `notify {assignee, roles, operators}`: a live `sla.milestone` notice to the assignee and/or the named;
 * - `relax_skills`: drop the task's additional skill requirements.
 */
export const SlaAction = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('raise_urgency'), by: z.number().int().min(1).max(100) }).strict(),
  z.object({ kind: z.literal('reassign'), to: SlaReassignTarget, force: z.boolean().default(false) }).strict(),
  z
    .object({
      kind: z.literal('notify'),
      assignee: z.boolean().default(true),
      roles: z.array(Key).default([]),
      operators: z.array(Key).default([]),
    })
    .strict(),
  z.object({ kind: z.literal('relax_skills') }).strict(),
]);
export type SlaAction = z.infer<typeof SlaAction>;

/** PCB states in which an SLA clock may pause. */
export const SlaPauseState = z.enum(['WAITING', 'SUSPENDED']);

/**
 * A service level agreement on a task (Pega Goal / Deadline / Passed Deadline, ServiceNow pause conditions): the
 * clock runs in business time of `calendar` while the task is open and not in a `pauseIn` state; each milestone
 * adds its `urgency` points and runs its `actions`. At least one of `goal` and `deadline` (issue code
 * `missing_milestone` at the element); `goal` not after `deadline` (`invalid_range` at `goal`); `passedDeadline`
 * needs a `deadline` (`missing_deadline` at `passedDeadline`).
 */
export const Sla = z
  .object({
    key: Key,
    label: z.string().min(1).optional(),
    /** Business calendar the durations are counted in: a {@link Calendar} key or the built-in `24x7`. */
    calendar: Key.default(BUILTIN_CALENDAR_KEY),
    /** Goal, ISO-8601 business duration from when the clock starts, or null. */
    goal: IsoDuration.nullable().default(null),
    /** Deadline, ISO-8601 business duration from when the clock starts, or null. */
    deadline: IsoDuration.nullable().default(null),
    /** After the deadline, a passed-deadline milestone every `every`, `times` times (null = for ever); or null. */
    passedDeadline: z
      .object({ every: IsoDuration, times: z.number().int().min(1).nullable().default(null) })
      .strict()
      .nullable()
      .default(null),
    /** Urgency points (0–100) added at each milestone. */
    urgency: z
      .object({
        goal: UrgencyPoints.default(10),
        deadline: UrgencyPoints.default(20),
        passed: UrgencyPoints.default(10),
      })
      .strict()
      .prefault({}),
    /** Actions run at each milestone (`passed`: at every passed-deadline repeat). */
    actions: z
      .object({
        goal: z.array(SlaAction).default([]),
        deadline: z.array(SlaAction).default([]),
        passed: z.array(SlaAction).default([]),
      })
      .strict()
      .prefault({}),
    /** PCB states in which the clock pauses, each once; [] = never pauses. */
    pauseIn: z
      .array(SlaPauseState)
      .default(['WAITING', 'SUSPENDED'])
      .refine(
        (states) => new Set(states).size === states.length,
        customIssue('duplicate_state', 'lists a state twice'),
      ),
    /** True: the clock also pauses while the task waits for a resource (`waitReason` `resource:…`). */
    pauseOnResourceWait: z.boolean().default(false),
    external: ExternalRef.optional(),
  })
  .strict()
  .superRefine((sla, ctx) => {
    const goal = sla.goal ?? null;
    const deadline = sla.deadline ?? null;
    if (goal === null && deadline === null) {
      ctx.addIssue({ code: 'custom', path: [], ...customIssue('missing_milestone', 'needs a goal or a deadline') });
    }
    if (typeof goal === 'string' && typeof deadline === 'string' && durationMillis(goal) > durationMillis(deadline)) {
      ctx.addIssue({
        code: 'custom',
        path: ['goal'],
        ...customIssue('invalid_range', `must not be longer than the deadline (${deadline})`),
      });
    }
    if (sla.passedDeadline != null && deadline === null) {
      ctx.addIssue({
        code: 'custom',
        path: ['passedDeadline'],
        ...customIssue('missing_deadline', 'a passed deadline needs a deadline'),
      });
    }
  });
export type Sla = z.infer<typeof Sla>;

/** The scheduler's defaults: the kernel's own, so the two cannot drift. */
const SCHEDULER_DEFAULTS = DEFAULT_SCHEDULER_SETTINGS;

/**
 * Scheduler settings of a design (reference scheduler.md §1.1; maps 1:1 onto the kernel's `SchedulerSettings`).
 * Every member is optional; an omitted `scheduler` gives all the defaults.
 */
export const SchedulerSettings = z
  .object({
    /** Effective priority points a waiting task gains per hour of waiting (linear aging), 0–100000; default 60. */
    agingPointsPerHour: z.number().min(0).max(100_000).default(SCHEDULER_DEFAULTS.agingPointsPerHour),
    /**
     * Fairness quantum, ms (integer ≥ 1): how far a fairness key's own backlog pushes its next task back, per
     * capacity unit; default 1000.
     */
    fairQuantumMs: z.number().int().min(1).default(SCHEDULER_DEFAULTS.fairQuantumMs),
    /** True: priority + urgency is a strict class and aging only orders within it; default false. */
    strictPriority: z.boolean().default(SCHEDULER_DEFAULTS.strictPriority),
    /** Pull or push, for roles that do not override it; default `pull`. */
    distribution: Distribution.default(SCHEDULER_DEFAULTS.distribution),
    /** How push picks an operator, for roles that do not override it; default `most_capacity`. */
    assignBy: AssignBy.default(SCHEDULER_DEFAULTS.assignBy),
    /** Push prefers the operator with the most skill surplus; default true. */
    evaluateSkillLevel: z.boolean().default(SCHEDULER_DEFAULTS.evaluateSkillLevel),
    /** Push prefers whoever started the journey (sticky assignment); default true. */
    preferStarter: z.boolean().default(SCHEDULER_DEFAULTS.preferStarter),
  })
  .strict();
export type SchedulerSettings = z.infer<typeof SchedulerSettings>;

export const DESIGN_SCHEMA_VERSION = 1 as const;

export const DesignDocument = z
  .object({
    schemaVersion: z.literal(DESIGN_SCHEMA_VERSION),
    name: z.string().min(1),
    services: z.array(Service).default([]),
    events: z.array(Event).default([]),
    instructions: z.array(Instruction).default([]),
    rules: z.array(ServiceRule).default([]),
    roles: z.array(Role).default([]),
    operators: z.array(Operator).default([]),
    resourceTypes: z.array(ResourceType).default([]),
    resources: z.array(Resource).default([]),
    entityTypes: z.array(EntityType).default([]),
    workOrders: z.array(WorkOrder).default([]),
    skills: z.array(Skill).default([]),
    calendars: z.array(Calendar).default([]),
    slas: z.array(Sla).default([]),
    /** Queue-worker groups that run automated services ({@link Deck}; the seed's prefixes 1–99). */
    decks: z.array(Deck).default([]),
    /** Inbound events that start services (`POST /events`, devices). */
    eventTriggers: z.array(EventTrigger).default([]),
    /** Devices the hardware-adapter service drives ({@link Device}; route steps name them). */
    devices: z.array(Device).default([]),
    /** Recurring starts: cron in a time zone, or every ISO duration ({@link Schedule}; BullMQ job schedulers). */
    schedules: z.array(Schedule).default([]),
    /** Scheduler settings; omitted = the kernel's defaults. */
    scheduler: SchedulerSettings.prefault({}),
  })
  .strict();
/** A whole design, as imported and versioned. All arrays are present after parsing. */
export type DesignDocument = z.infer<typeof DesignDocument>;
/** A design document as written by hand: defaults may be omitted. */
export type DesignDocumentInput = z.input<typeof DesignDocument>;

/** Compile-time check: a parsed design is what the kernel's scheduler index reads (the kernel cannot import us). */
const _designFeedsScheduler: (d: DesignDocument) => SchedulerDesignInput = (d) => d;
