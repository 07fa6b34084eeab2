import { z } from 'zod';

/** One attempt of one route step, as the workers journaled it (times ISO-8601). */
export const StageHopViewSchema = z.object({
  /** The DAG node of the step, null for a route. */
  node: z.string().nullable(),
  step: z.number().int(),
  deck: z.string(),
  handler: z.string(),
  attempt: z.number().int(),
  worker: z.string(),
  startedAt: z.string(),
  endedAt: z.string(),
  outcome: z.enum(['completed', 'failed']),
  error: z.string().nullable(),
});
export type StageHopView = z.infer<typeof StageHopViewSchema>;

/** Why a run failed: code, deck, 0-based step, attempts made, message. */
export const StageFailureViewSchema = z.object({
  code: z.string(),
  deck: z.string(),
  step: z.number().int(),
  attempts: z.number().int(),
  message: z.string(),
});

/**
 * A system process's automation run (`GET /processes/{pid}/stages`): its steps with each one's status, the hop
 * journal (every attempt with deck, worker, times and outcome; it arrives with the run's result or failure), the
 * failure, and — when the reader may see the service's data — input and outputs (null otherwise).
 */
export const StageRunViewSchema = z.object({
  runId: z.string(),
  gen: z.number().int(),
  status: z.enum(['running', 'succeeded', 'failed']),
  steps: z.array(
    z.object({
      step: z.number().int(),
      deck: z.string(),
      handler: z.string(),
      status: z.enum(['pending', 'running', 'done', 'failed']),
      /** DAG runs: the node this step is (its first deck step) and the nodes it runs after. */
      node: z.string().optional(),
      after: z.array(z.string()).optional(),
    }),
  ),
  input: z.unknown(),
  outputs: z.array(z.unknown()).nullable(),
  output: z.unknown(),
  failure: StageFailureViewSchema.nullable(),
  hops: z.array(StageHopViewSchema),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
});
export type StageRunView = z.infer<typeof StageRunViewSchema>;

/** Answer of `GET /processes/{pid}/stages`: the current run, or null when the process has none. */
export const ProcessStagesSchema = z.object({ pid: z.number().int(), run: StageRunViewSchema.nullable() });
export type ProcessStages = z.infer<typeof ProcessStagesSchema>;
