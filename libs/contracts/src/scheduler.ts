import { z } from 'zod';
import { ProcessViewSchema } from './process';

/** `POST /tasks/next`: also start the task (`start`), or only say which it would be (`dryRun`, nothing written). */
export const NextTaskBodySchema = z.object({ start: z.boolean().optional(), dryRun: z.boolean().optional() }).strict();
export type NextTaskBody = z.input<typeof NextTaskBodySchema>;

const epochMs = z.number().describe('epoch ms');

/**
 * "Why this task": the values the scheduler compared for one assignment (reference/scheduler.md §2.6). Points are
 * priority + urgency + aging (`agingPoints` = points gained by waiting); `rank` and `class` order a lane.
 */
export const ExplanationSchema = z.object({
  mode: z.enum(['pull', 'push', 'claim', 'escalation', 'preview']),
  operator: z.string(),
  lane: z.string().nullable(),
  task: z.object({
    pid: z.number().int(),
    priority: z.number(),
    urgency: z.number(),
    agingPoints: z.number(),
    effectivePoints: z.number(),
    class: z.number(),
    rank: z.number(),
  }),
  fairness: z.object({ key: z.string(), weight: z.number(), tag: z.number() }),
  skills: z.array(z.object({ skill: z.string(), required: z.number(), level: z.number(), met: z.boolean() })),
  capacity: z.object({ loadBefore: z.number(), weight: z.number(), capacity: z.number().nullable() }),
  availability: z.object({ presence: z.string(), onShift: z.boolean(), shiftEndsAt: epochMs.nullable() }),
  resources: z.array(
    z.object({ type: z.string(), resource: z.string(), slot: z.number(), from: epochMs, to: epochMs }),
  ),
  alternatives: z.array(
    z.object({
      pid: z.number().int(),
      effectivePoints: z.number(),
      lostOn: z.enum(['rank', 'weight', 'resources', 'locked']),
    }),
  ),
  /** Push only, and only for admins: the operators compared and their room. */
  operatorRanking: z
    .array(
      z.object({
        operator: z.string(),
        remaining: z.number().nullable(),
        skillSurplus: z.number(),
        lastAssignedAt: epochMs.nullable(),
        starter: z.boolean(),
      }),
    )
    .optional(),
  candidatesConsidered: z.number().int(),
  deferred: z.array(z.number().int()),
  at: epochMs,
});
export type Explanation = z.infer<typeof ExplanationSchema>;

/** `POST /tasks/next` → 200: the task now assigned (or, with `dryRun`, the one that would be) and why. */
export const NextTaskAnswerSchema = z.object({ process: ProcessViewSchema, explanation: ExplanationSchema });
export type NextTaskAnswer = z.infer<typeof NextTaskAnswerSchema>;

/** `GET /processes/{pid}/assignment-explanation`: the latest explanation of the task's assignment. */
export const AssignmentExplanationSchema = z.object({
  pid: z.number().int(),
  operator: z.string(),
  mode: z.string(),
  at: z.string().describe('ISO-8601'),
  explanation: ExplanationSchema,
});
export type AssignmentExplanation = z.infer<typeof AssignmentExplanationSchema>;

/** `PUT /me/presence`: whether I take work now. */
export const PresenceBodySchema = z.object({ status: z.enum(['available', 'away', 'offline']) }).strict();
export type PresenceBody = z.input<typeof PresenceBodySchema>;

/** `GET /me/availability`, `GET /operators/{key}/availability`: whether get-next would hand me work, and why not. */
export const AvailabilitySchema = z.object({
  operator: z.string(),
  presence: z.enum(['available', 'away', 'offline']),
  /** On shift now by the operator's calendar (always, without one). */
  onShift: z.boolean(),
  /** When the current shift ends (ISO-8601), or null (off shift, or never ends). */
  shiftEndsAt: z.string().nullable(),
  /** When the next shift starts (ISO-8601) while off shift, else null. */
  nextShiftAt: z.string().nullable(),
  calendar: z.string().nullable(),
  load: z.number().int(),
  /** Capacity units, null = unlimited. */
  capacity: z.number().int().nullable(),
  skills: z.array(z.object({ skill: z.string(), level: z.number().int() })),
  /** The lanes get-next draws from for me (`role|skills`). */
  lanes: z.array(z.string()),
  lastAssignedAt: z.string().nullable(),
});
export type Availability = z.infer<typeof AvailabilitySchema>;

/** `PUT /operators/{key}/skills`: the operator's skills (each skill of the current design, level 1–10). */
export const OperatorSkillsBodySchema = z
  .array(z.object({ skill: z.string().min(1).max(120), level: z.number().int().min(1).max(10) }).strict())
  .max(100);
/** `PUT /operators/{key}/capacity`: capacity units at once, null = unlimited. */
export const OperatorCapacityBodySchema = z
  .object({ capacity: z.number().int().min(1).max(1_000_000).nullable() })
  .strict();
/** `PUT /operators/{key}/calendar`: a calendar of the current design (or `24x7`), null = always on shift. */
export const OperatorCalendarBodySchema = z.object({ calendar: z.string().min(1).max(120).nullable() }).strict();

/** `POST /processes/{pid}/urgency` (admin): raise or lower by points, or set, 0–100; why (1–500 characters). */
export const UrgencyBodySchema = z
  .object({
    by: z.number().int().min(-100).max(100).optional(),
    set: z.number().int().min(0).max(100).optional(),
    reason: z.string().trim().min(1).max(500),
  })
  .strict()
  .refine((b) => (b.by === undefined) !== (b.set === undefined), { message: 'give either by or set', path: ['by'] });
export type UrgencyBody = z.input<typeof UrgencyBodySchema>;

/** `GET /scheduler/lanes` (admin): each lane's waiting tasks. */
export const LaneViewSchema = z.object({
  lane: z.string(),
  role: z.string(),
  /** The lane's skill signature (`laser>=3`), empty for none. */
  skills: z.string(),
  distribution: z.enum(['pull', 'push']),
  depth: z.number().int(),
  /** When the longest-waiting task entered (ISO-8601). */
  oldestQueuedAt: z.string().nullable(),
  /** Waiting tasks per fairness key. */
  byFairnessKey: z.record(z.string(), z.number().int()),
});
export type LaneView = z.infer<typeof LaneViewSchema>;

/** `PUT /fairness/{key}` (admin): the key's share weight in (0, 100] (default 1). */
export const FairnessBodySchema = z.object({ weight: z.number().gt(0).max(100) }).strict();
export const FairnessWeightSchema = z.object({ key: z.string(), weight: z.number() });
export type FairnessWeight = z.infer<typeof FairnessWeightSchema>;

/** A room or machine (`GET /resources`): `inUse` slots booked now, `nextFreeAt` when a slot frees (null: one is free). */
export const ResourceStateSchema = z.enum(['available', 'blocked', 'retired']);
export const ResourceViewSchema = z.object({
  key: z.string(),
  label: z.string().nullable(),
  type: z.string(),
  capacity: z.number().int(),
  calendar: z.string().nullable(),
  state: ResourceStateSchema,
  inUse: z.number().int(),
  nextFreeAt: z.string().nullable(),
});
export type ResourceView = z.infer<typeof ResourceViewSchema>;

/** A booking of one slot of a resource over `[from, to)`; `pid` null for an external one (meeting, maintenance). */
export const BookingViewSchema = z.object({
  id: z.number().int(),
  resource: z.string(),
  slot: z.number().int(),
  pid: z.number().int().nullable(),
  from: z.string(),
  to: z.string(),
  status: z.enum(['held', 'active', 'released', 'cancelled']),
  note: z.string().nullable(),
});
export type BookingView = z.infer<typeof BookingViewSchema>;

const isoInstant = z.iso.datetime({ offset: true });

/** `PUT /resources/{key}/state` (admin): block, retire or make available (which wakes tasks waiting for it). */
export const ResourceStateBodySchema = z
  .object({ state: ResourceStateSchema, reason: z.string().trim().min(1).max(500) })
  .strict();
/** `POST /resources/{key}/bookings` (admin): an external booking of one slot (default the first free). */
export const BookingBodySchema = z
  .object({
    from: isoInstant,
    to: isoInstant,
    slot: z.number().int().min(0).optional(),
    note: z.string().max(500).optional(),
  })
  .strict()
  .refine((b) => Date.parse(b.to) > Date.parse(b.from), { message: 'must be after from', path: ['to'] });
/** `GET /resources/{key}/bookings?from&to`: the bookings overlapping the window (default: today ± 1 day). */
export const BookingsQuerySchema = z.object({ from: isoInstant.optional(), to: isoInstant.optional() }).strict();

/** `PATCH /resources/{key}` (admin): rename, resize (slots; not below the slots in use now) or re-calendar. */
export const ResourcePatchBodySchema = z
  .object({
    label: z.string().trim().min(1).max(200).optional(),
    capacity: z.number().int().min(1).max(10_000).optional(),
    /** A calendar key (or `24x7`), null = always open. */
    calendar: z.string().min(1).max(120).nullable().optional(),
  })
  .strict();
export type ResourcePatchBody = z.input<typeof ResourcePatchBodySchema>;

/**
 * One weekly working interval of a calendar, in its time zone (the design model's `Attendance`): ISO weekdays
 * (1 = Monday … 7), local `HH:mm` from/to (`24:00` = midnight at the end), optional week parity and validity dates.
 * The API checks it with the design model's own validators.
 */
export const CalendarAttendanceSchema = z
  .object({
    days: z.array(z.number().int().min(1).max(7)).min(1),
    from: z.string(),
    to: z.string(),
    weekParity: z.union([z.literal(0), z.literal(1)]).optional(),
    validFrom: z.string().optional(),
    validTo: z.string().optional(),
  })
  .strict();
export type CalendarAttendance = z.infer<typeof CalendarAttendanceSchema>;

/**
 * `PUT /calendars/{key}` (admin): creates or replaces a calendar — an IANA `timeZone`, weekly `attendances`
 * (at least one) and whole-day `holidays` (local `YYYY-MM-DD`). Its leaves are kept.
 */
export const CalendarBodySchema = z
  .object({
    label: z.string().trim().min(1).max(200).optional(),
    timeZone: z.string().min(1).max(100),
    attendances: z.array(CalendarAttendanceSchema).min(1).max(200),
    holidays: z.array(z.string()).max(1000).optional(),
  })
  .strict();
export type CalendarBody = z.input<typeof CalendarBodySchema>;

/** `POST /calendars/{key}/leaves` (admin): a time off `[from, to)` of the whole calendar, or of one operator or resource. */
export const CalendarLeaveBodySchema = z
  .object({
    operator: z.string().min(1).max(120).optional(),
    resource: z.string().min(1).max(120).optional(),
    from: isoInstant,
    to: isoInstant,
    reason: z.string().trim().min(1).max(500).optional(),
  })
  .strict();
export type CalendarLeaveBody = z.input<typeof CalendarLeaveBodySchema>;

/** A leave: the calendar's own (`operator` and `resource` null) or one operator's / resource's; `source` design | admin. */
export const CalendarLeaveViewSchema = z.object({
  id: z.number().int(),
  calendar: z.string(),
  operator: z.string().nullable(),
  resource: z.string().nullable(),
  from: z.string(),
  to: z.string(),
  reason: z.string().nullable(),
  source: z.enum(['design', 'admin']),
});
export type CalendarLeaveView = z.infer<typeof CalendarLeaveViewSchema>;

/** `GET /calendars[/{key}]`: a calendar the scheduler uses, its leaves, and who works or opens by it. */
export const CalendarViewSchema = z.object({
  key: z.string(),
  label: z.string().nullable(),
  timeZone: z.string(),
  attendances: z.array(CalendarAttendanceSchema),
  holidays: z.array(z.string()),
  leaves: z.array(CalendarLeaveViewSchema),
  usedBy: z.object({ operators: z.array(z.string()), resources: z.array(z.string()), slas: z.array(z.string()) }),
});
export type CalendarView = z.infer<typeof CalendarViewSchema>;
