import { z } from 'zod';

/** Jobs of a deck's queue by state (BullMQ `getJobCounts`); `waiting` includes the jobs held by a pause. */
export const DeckCountsSchema = z.object({
  waiting: z.number().int(),
  active: z.number().int(),
  delayed: z.number().int(),
  prioritized: z.number().int(),
  failed: z.number().int(),
  completed: z.number().int(),
});
export type DeckCounts = z.infer<typeof DeckCountsSchema>;

/**
 * One deck as admins see it (`GET /v1/decks`): the design's element (key, seed prefix id, label, handlers,
 * concurrency per worker) and its queue right now — paused or not, job counts, and the workers consuming it.
 * `workerSource` says where the count comes from: `backend` — every worker connected to the queue (any process,
 * any machine), `local` — only this API process's (the backend cannot list them).
 */
export const DeckViewSchema = z.object({
  key: z.string(),
  id: z.number().int(),
  label: z.string(),
  handlers: z.array(z.string()),
  concurrency: z.number().int(),
  queue: z.string(),
  paused: z.boolean(),
  counts: DeckCountsSchema,
  workers: z.number().int(),
  workerSource: z.enum(['backend', 'local']),
});
export type DeckView = z.infer<typeof DeckViewSchema>;

/**
 * A failed job of a deck (`GET /v1/decks/{key}/failures`): its id, the run and process it belongs to, the 0-based
 * step and handler, BullMQ's failure reason, attempts made, and when it failed (ISO-8601; null if unknown).
 */
export const DeckFailureSchema = z.object({
  jobId: z.string(),
  runId: z.string().nullable(),
  pid: z.number().int().nullable(),
  step: z.number().int().nullable(),
  handler: z.string().nullable(),
  failedReason: z.string(),
  attemptsMade: z.number().int(),
  finishedOn: z.string().nullable(),
});
export type DeckFailure = z.infer<typeof DeckFailureSchema>;

/** Query of `GET /v1/decks/{key}/failures`: how many, newest first (1–500, default 50). */
export const DeckFailuresQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

/**
 * Answer of `POST /v1/decks/board-session`: the Bull Board's address; the answer also sets its HttpOnly cookie
 * (path `/admin/queues`), valid `expiresIn` seconds.
 */
export const BoardSessionSchema = z.object({ url: z.string(), expiresIn: z.number().int() });
export type BoardSession = z.infer<typeof BoardSessionSchema>;
