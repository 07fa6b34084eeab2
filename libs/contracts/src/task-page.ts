import { z } from 'zod';
import { ProcessStateSchema } from './process';

const iso = z.string().describe('ISO-8601 time');

/** Largest draft the API keeps: the form data as JSON, in UTF-8 bytes. */
export const TASK_DRAFT_MAX_BYTES = 64 * 1024;

/** `PUT /processes/{pid}/draft` body: the form data typed so far (any subset of the form's fields). */
export const PutDraftBodySchema = z.object({ formData: z.record(z.string(), z.unknown()) }).strict();
export type PutDraftBody = z.infer<typeof PutDraftBodySchema>;

/** A task's draft: what its assignee typed and has not submitted yet (`GET|PUT /processes/{pid}/draft`). */
export const TaskDraftSchema = z.object({
  pid: z.number().int(),
  formData: z.record(z.string(), z.unknown()),
  /** Operator key of who saved it (the assignee then). */
  savedBy: z.string(),
  savedAt: iso,
});
export type TaskDraft = z.infer<typeof TaskDraftSchema>;

/** A completed step of the same customer, with its form as the reader may see it. */
export const EarlierStepSchema = z.object({
  pid: z.number().int(),
  service: z.string(),
  serviceLabel: z.string(),
  /** Who completed it: operator key and display name (null when no one was assigned). */
  assignee: z.string().nullable(),
  assigneeName: z.string().nullable(),
  endedAt: iso.nullable(),
  /** Its form data; values hidden (`redacted` true) when the reader's roles do not allow its service. */
  formData: z.record(z.string(), z.unknown()),
  redacted: z.boolean(),
});
export type EarlierStep = z.infer<typeof EarlierStepSchema>;

/** A prefill offer for one field: the latest earlier value of a field with the same name. */
export const PrefillValueSchema = z.object({
  value: z.unknown(),
  /** The step it comes from. */
  pid: z.number().int(),
  serviceLabel: z.string(),
});
export type PrefillValue = z.infer<typeof PrefillValueSchema>;

/** A step started by this step's request (a rule on its suspension): its status only, never its form. */
export const RequestedStepSchema = z.object({
  pid: z.number().int(),
  service: z.string(),
  serviceLabel: z.string(),
  state: ProcessStateSchema,
  terminatedReason: z.string().nullable(),
  assigneeName: z.string().nullable(),
  endedAt: iso.nullable(),
});
export type RequestedStep = z.infer<typeof RequestedStepSchema>;

/**
 * `GET /processes/{pid}/context`: what the task page needs beside the process — the caller's draft (assignee
 * only), the same customer's completed steps (newest first, readable ones only, forms redacted by the read
 * policy), prefill offers for this task's form fields (from visible forms only), and the steps this task
 * requested (its suspension's follow-ups).
 */
export const TaskContextSchema = z.object({
  /** The caller's draft of the task (as `GET /processes/{pid}/draft`), null when there is none. */
  draft: TaskDraftSchema.nullable(),
  earlier: z.array(EarlierStepSchema),
  prefill: z.record(z.string(), PrefillValueSchema),
  requested: z.array(RequestedStepSchema),
});
export type TaskContext = z.infer<typeof TaskContextSchema>;

/** `GET /staff`: the staff a form's operator field may name (key, display name, roles), by name. */
export const StaffMemberSchema = z.object({ key: z.string(), label: z.string(), roles: z.array(z.string()) });
export type StaffMember = z.infer<typeof StaffMemberSchema>;
