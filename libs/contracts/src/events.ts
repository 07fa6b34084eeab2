import { z } from 'zod';

/** Largest event payload, bytes of JSON. */
export const MAX_EVENT_PAYLOAD_BYTES = 64 * 1024;

const Name = z.string().min(1).max(200);

/** `POST /events` body: an event from `source`, unique by `(source, eventId)`. */
export const PostEventBodySchema = z
  .object({
    source: Name,
    eventId: Name,
    type: Name,
    correlationKey: Name.optional(),
    payload: z
      .record(z.string(), z.unknown())
      .default({})
      .refine((p) => Buffer.byteLength(JSON.stringify(p)) <= MAX_EVENT_PAYLOAD_BYTES, {
        message: `must be at most ${MAX_EVENT_PAYLOAD_BYTES} bytes of JSON`,
      }),
  })
  .strict();
export type PostEventBody = z.infer<typeof PostEventBodySchema>;

/** One process an event started: the trigger, the process and its service. */
export const EventStartSchema = z.object({ trigger: z.string(), pid: z.number().int(), service: z.string() });

/**
 * Answer of `POST /events`: `duplicate` when this `(source, eventId)` was received before (nothing new started);
 * `started` every process the event started (also those of the first delivery); `unmatched` when no trigger took it.
 */
export const EventAnswerSchema = z.object({
  source: z.string(),
  eventId: z.string(),
  duplicate: z.boolean(),
  started: z.array(EventStartSchema),
  unmatched: z.boolean(),
  /** Triggers that matched but could not start (their entity expression gave no value); the others started. */
  failed: z.array(z.object({ trigger: z.string(), message: z.string() })),
});
export type EventAnswer = z.infer<typeof EventAnswerSchema>;

/** A received event as `GET /events` lists it (newest first). */
export const EventViewSchema = z.object({
  source: z.string(),
  eventId: z.string(),
  type: z.string(),
  correlationKey: z.string().nullable(),
  payload: z.unknown(),
  receivedAt: z.string(),
  receivedBy: z.string().nullable(),
  started: z.array(EventStartSchema),
});
export type EventView = z.infer<typeof EventViewSchema>;
