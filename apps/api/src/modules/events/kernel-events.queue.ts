import { createHash } from 'node:crypto';
import type { JobsOptions } from 'bullmq';
import type { PostEventBody } from '@opkernel/contracts';

/**
 * The event ring's queue (reference/decks.md §2.1, §3.3): adapters and integrations that talk to the kernel only
 * through queues (the hardware-adapter service) add events here; the API consumes them into `EventsService.ingest`.
 * A job's data is a `POST /events` body.
 */
export const KERNEL_EVENTS_QUEUE = 'kernel-events';

/**
 * The job id of an event: `ev-` + SHA-256 (hex, first 40 digits) of `source` and `eventId`, so that a redelivered
 * event adds nothing while its job is kept (BullMQ ignores a known id); the table `inbound_events` deduplicates
 * after that. Never contains `:` (BullMQ job ids may not).
 */
export function kernelEventJobId(source: string, eventId: string): string {
  return `ev-${createHash('sha256').update(`${source}\u0000${eventId}`).digest('hex').slice(0, 40)}`;
}

/** BullMQ options of an event job: its deterministic id, retried while the API is busy or down, kept an hour. */
export function kernelEventOptions(event: Pick<PostEventBody, 'source' | 'eventId'>): JobsOptions {
  return {
    jobId: kernelEventJobId(event.source, event.eventId),
    attempts: 20,
    backoff: { type: 'exponential', delay: 200 },
    removeOnComplete: { age: 3600 },
    removeOnFail: { age: 7 * 86_400 },
  };
}
