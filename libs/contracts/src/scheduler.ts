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
