import type { Job } from 'bullmq';

/** The queue of the design's job schedulers (reference/decks.md §2.8). */
export const SCHEDULES_QUEUE = 'kernel-schedules';

/** Name of the job a schedule's job scheduler adds at each fire time. */
export const FIRE_JOB = 'schedule.fire';

/** What each fire's job carries: the schedule's key and the design version that last upserted its scheduler. */
export type FireJobData = { key: string; designVersion: number };

const PREFIX = 'sched-';

/** The job scheduler id of schedule `key`: `sched-<key>`. */
export const schedulerId = (key: string): string => `${PREFIX}${key}`;

/** The schedule key of a job scheduler id, or null for a scheduler that is not a design schedule's. */
export const scheduleKeyOf = (id: string): string | null => (id.startsWith(PREFIX) ? id.slice(PREFIX.length) : null);

/**
 * A fire's schedule key (from its job scheduler's id) and due time (epoch ms). BullMQ names each iteration of a job scheduler
 * `repeat:<schedulerId>:<fire ms>`, so the id itself says which fire it is however often it is delivered; a job
 * without that shape (added by hand) counts by its `prevMillis`, else its timestamp plus delay.
 * @returns null when the job names no design schedule
 */
export function fireOf(job: Pick<Job, 'id' | 'data' | 'opts' | 'timestamp' | 'repeatJobKey'>): {
  key: string;
  fireAt: number;
} | null {
  const data = job.data as Partial<FireJobData> | undefined;
  const key = job.repeatJobKey ? scheduleKeyOf(job.repeatJobKey) : typeof data?.key === 'string' ? data.key : null;
  if (!key) return null;
  const tail = /:(\d+)$/.exec(job.id ?? '');
  if (tail) return { key, fireAt: Number(tail[1]) };
  const prev = (job.opts as { prevMillis?: number }).prevMillis;
  return { key, fireAt: typeof prev === 'number' ? prev : job.timestamp + (job.opts.delay ?? 0) };
}
