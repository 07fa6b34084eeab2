import { z } from 'zod';

/** PCB states (the kernel's `PROCESS_STATES`; the API holds the two lists together). */
export const PROCESS_STATES = ['NEW', 'READY', 'RUNNING', 'WAITING', 'SUSPENDED', 'TERMINATED', 'ERROR'] as const;
export const ProcessStateSchema = z.enum(PROCESS_STATES);
export type ProcessState = z.infer<typeof ProcessStateSchema>;

/** Operator actions (`POST /api/v1/processes/{pid}/<action>`), in the order a task page shows them. */
export const TASK_ACTIONS = [
  'claim',
  'start',
  'complete',
  'suspend',
  'resume',
  'transfer',
  'unclaim',
  'cancel',
  'retry',
] as const;
export const TaskActionSchema = z.enum(TASK_ACTIONS);
export type TaskAction = z.infer<typeof TaskActionSchema>;

/** Kinds of actor in the audit trail. */
export const ActorKindSchema = z.enum(['operator', 'integration', 'scheduler', 'timer', 'worker']);

const iso = z.string().describe('ISO-8601 time');

/** A process's SLA clock: business time counted, and the next milestone (`nextDueAt` null while paused or done). */
export const SlaViewSchema = z.object({
  sla: z.string(),
  status: z.enum(['running', 'paused', 'met', 'breached', 'stopped']),
  elapsedBusinessMs: z.number(),
  nextMilestone: z.enum(['goal', 'deadline', 'passed']).nullable(),
  nextDueAt: iso.nullable(),
  passedCount: z.number().int(),
  breached: z.boolean(),
  /**
   * When the goal / the deadline falls due if the clock keeps running on its business calendar (null once passed,
   * and while the clock is paused or done: a paused countdown shows `elapsedBusinessMs` against the SLA instead).
   */
  goalAt: iso.nullable(),
  deadlineAt: iso.nullable(),
  /** The SLA's goal and deadline, business ms from the start (a countdown's full length). */
  goalMs: z.number().nullable(),
  deadlineMs: z.number().nullable(),
});
export type SlaView = z.infer<typeof SlaViewSchema>;

/** The business entity a process serves; `label` is resolved by the API (null when unknown). */
export const EntityRefViewSchema = z.object({ type: z.string(), id: z.string(), label: z.string().nullable() });
export type EntityRefView = z.infer<typeof EntityRefViewSchema>;

/** A process as the REST API shows it to one reader: every PCB field, labels, and the actions offered to them. */
export const ProcessViewSchema = z.object({
  pid: z.number().int(),
  service: z.string(),
  /** The service's label in the process's design version (the key when it has none). */
  serviceLabel: z.string(),
  designVersion: z.number().int(),
  /** `task` | `program` | `system`. */
  kind: z.string(),
  state: ProcessStateSchema,
  priority: z.number().int(),
  parentPid: z.number().int().nullable(),
  previousPid: z.number().int().nullable(),
  program: z.string().nullable(),
  callerPid: z.number().int().nullable(),
  join: z.unknown().nullable(),
  entity: EntityRefViewSchema.nullable(),
  assignee: z.string().nullable(),
  /** The assignee's display name (the operator's label; the key when it has none), null when unassigned. */
  assigneeName: z.string().nullable(),
  candidateRoles: z.array(z.string()),
  creator: z.string().nullable(),
  /** The creator's display name, like `assigneeName`. */
  creatorName: z.string().nullable(),
  scheduledAt: iso.nullable(),
  deadline: iso.nullable(),
  startedAt: iso.nullable(),
  endedAt: iso.nullable(),
  waitReason: z.string().nullable(),
  suspendReason: z.string().nullable(),
  resumeState: z.string().nullable(),
  terminatedReason: z.string().nullable(),
  /** Form data (redacted — keys kept, values `REDACTED` — where the reader's roles do not allow the service). */
  formData: z.record(z.string(), z.unknown()).nullable(),
  /** SLA urgency, 0–100: added to `priority` in the scheduler's ordering. */
  urgency: z.number().int(),
  /** Whose share of the lanes the task counts against (`''`: the common share). */
  fairnessKey: z.string(),
  /** Capacity units the task takes of its assignee. */
  weight: z.number().int(),
  /** When a resource wait is retried, or null. */
  waitUntil: iso.nullable(),
  /**
   * While it waits in a ready queue (READY, unassigned): priority + urgency + the points its waiting earned
   * (aging), what get-next compares; null otherwise.
   */
  effectivePoints: z.number().nullable(),
  /** Its SLA clock, null when its service has no SLA. */
  sla: SlaViewSchema.nullable(),
  version: z.number().int(),
  createdAt: iso,
  updatedAt: iso,
  /** What the reader may do with it now (the kernel's `allowedActions`); clients show these and nothing else. */
  allowedActions: z.array(TaskActionSchema),
});
export type ProcessView = z.infer<typeof ProcessViewSchema>;

/**
 * `GET /processes`: the page form (`page`, `pageSize`) counts `total`; the keyset form (`limit`, `cursor`) has
 * `total` and `page` null. `nextCursor` continues after the last item in both (null on the last page).
 */
export const ProcessPageSchema = z.object({
  items: z.array(ProcessViewSchema).describe('processes, newest (highest pid) first'),
  total: z.number().int().nullable().describe('readable matches; null in the keyset form (not counted)'),
  page: z.number().int().nullable().describe('the page asked for; null in the keyset form'),
  pageSize: z.number().int().describe('pageSize, or limit in the keyset form'),
  nextCursor: z.string().nullable().describe('pass as `cursor` (with `limit`) for the next page; null on the last'),
});
export type ProcessPage = z.infer<typeof ProcessPageSchema>;

/** A related process in `GET /processes/{pid}`. */
export const ProcessBriefSchema = ProcessViewSchema.pick({
  pid: true,
  service: true,
  serviceLabel: true,
  state: true,
  kind: true,
  assignee: true,
  assigneeName: true,
});
export type ProcessBrief = z.infer<typeof ProcessBriefSchema>;

/** A slot of a room or machine booked for the process. */
export const ProcessBookingSchema = z.object({
  resource: z.string(),
  slot: z.number().int(),
  from: iso,
  to: iso,
  status: z.enum(['held', 'active', 'released', 'cancelled']),
});

/** `GET /processes/{pid}`: the process with its parent, previous step and children (null / left out when not readable). */
export const ProcessDetailSchema = ProcessViewSchema.extend({
  parent: ProcessBriefSchema.nullable(),
  previous: ProcessBriefSchema.nullable(),
  children: z.array(ProcessBriefSchema),
  /** The resource slots booked for it, newest first. */
  bookings: z.array(ProcessBookingSchema),
});
export type ProcessDetail = z.infer<typeof ProcessDetailSchema>;

/** A process changed by a command's cascade (`fromState` null: created by it). */
export const CascadeItemSchema = z.object({
  pid: z.number().int(),
  service: z.string(),
  serviceLabel: z.string(),
  kind: z.string(),
  state: ProcessStateSchema,
  fromState: ProcessStateSchema.nullable(),
  assignee: z.string().nullable(),
  /** The assignee's display name (operator label), null when unassigned. */
  assigneeName: z.string().nullable(),
  candidateRoles: z.array(z.string()),
});
export type CascadeItem = z.infer<typeof CascadeItemSchema>;

/** Answer of `POST /processes` and of every action: the resulting process and the cascade it caused. */
export const CommandAnswerSchema = ProcessViewSchema.extend({ cascade: z.array(CascadeItemSchema) });
export type CommandAnswer = z.infer<typeof CommandAnswerSchema>;

/** One audit row of `GET /processes/{pid}/events`. */
export const ProcessEventViewSchema = z.object({
  id: z.number().int(),
  /** Actor key, null for the kernel's own rows (rules, cascades). */
  actor: z.string().nullable(),
  /** The actor's display name (the operator's label), null when the actor is no operator (or null). */
  actorName: z.string().nullable(),
  /** The actor's kind; null with a null actor and for rows written before kinds were kept. */
  actorKind: ActorKindSchema.nullable(),
  action: z.string(),
  fromState: ProcessStateSchema.nullable(),
  toState: ProcessStateSchema.nullable(),
  cause: z.unknown(),
  details: z.unknown(),
  at: iso,
});
export type ProcessEventView = z.infer<typeof ProcessEventViewSchema>;

/** One context snapshot; `hash` is null when some of its form data is redacted for the reader. */
export const ProcessSnapshotViewSchema = z.object({
  version: z.number().int(),
  hash: z.string().nullable(),
  content: z.unknown(),
  createdAt: iso,
});
export type ProcessSnapshotView = z.infer<typeof ProcessSnapshotViewSchema>;

/** `GET /entities/{type}/{id}/tasks`: an entity's processes in four groups. */
export const EntityTaskGroupsSchema = z.object({
  entity: EntityRefViewSchema,
  scheduled: z.array(ProcessViewSchema),
  running: z.array(ProcessViewSchema),
  paused: z.array(ProcessViewSchema),
  done: z.array(ProcessViewSchema),
});
export type EntityTaskGroups = z.infer<typeof EntityTaskGroupsSchema>;

/** `GET /entry-points`: services an operator may start a journey with. */
export const EntryPointSchema = z.object({
  service: z.string(),
  label: z.string(),
  program: z.string().nullable(),
  entityType: z.string().nullable(),
});
export type EntryPoint = z.infer<typeof EntryPointSchema>;

const isoDate = z.iso.datetime({ offset: true }).transform((s) => Date.parse(s));

/**
 * `POST /processes`: start a journey for an existing entity (`{type, id}`) or a new one (`{type, label}`);
 * `priority` 0–1000, `scheduledAt` / `deadline` ISO-8601 (parsed to epoch ms), `fairnessKey` (a tenant or
 * customer whose share of the lanes the journey counts against, 1–120 characters; default the common share).
 */
export const StartProcessBodySchema = z
  .object({
    service: z.string().min(1),
    entity: z.union([
      z.object({ type: z.string().min(1), id: z.string().min(1) }).strict(),
      z.object({ type: z.string().min(1), label: z.string().min(1).max(200) }).strict(),
    ]),
    priority: z.number().int().min(0).max(1000).optional(),
    scheduledAt: isoDate.optional(),
    deadline: isoDate.optional(),
    fairnessKey: z.string().min(1).max(120).optional(),
  })
  .strict();
/** What a client sends to `POST /processes`. */
export type StartProcessBody = z.input<typeof StartProcessBodySchema>;

/** `POST /processes/{pid}/complete`: the form data (validated against the service's JSON Schema). */
export const CompleteBodySchema = z.object({ form: z.record(z.string(), z.unknown()).default({}) }).strict();
export type CompleteBody = z.input<typeof CompleteBodySchema>;

/** `POST /processes/{pid}/suspend | cancel`: why, 1–500 characters. */
export const ReasonBodySchema = z.object({ reason: z.string().trim().min(1).max(500) }).strict();
export type ReasonBody = z.input<typeof ReasonBodySchema>;

/** `POST /processes/{pid}/transfer`: the operator to hand the task to. */
export const TransferBodySchema = z.object({ operator: z.string().min(1) }).strict();
export type TransferBody = z.input<typeof TransferBodySchema>;
