import { Queue, Worker, type JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { bullPriority } from '@opkernel/kernel';
import { KEEP_COMPLETED_S, KEEP_FAILED_S } from '../../apps/api/src/modules/decks/hop-runner';
import { Arrivals, payloadOf, type PipelineSystem } from './pipeline-system';

/** A chain job: the request's id and its payload (about 200 B of JSON). */
export type ChainJob = { id: string; payload: unknown };

/** The same options as a deck hop of ours (`hopOptions`: priority of kernel priority 500, 3 attempts with backoff). */
const hop = (jobId: string): JobsOptions => ({
  jobId,
  priority: bullPriority(500),
  attempts: 3,
  backoff: { type: 'exponential', delay: 1000, jitter: 0 },
  removeOnComplete: { age: KEEP_COMPLETED_S },
  removeOnFail: { age: KEEP_FAILED_S },
});
/** The same options as ours' reports to deck 0 (`reportOptions`). */
const last = (jobId: string): JobsOptions => ({
  jobId,
  attempts: 10,
  backoff: { type: 'exponential', delay: 200 },
  removeOnComplete: { age: KEEP_COMPLETED_S },
  removeOnFail: { age: KEEP_FAILED_S },
});

/** A raw BullMQ chain: deck queues in route order, then `q0`, whose worker hands each job to `onLast`. */
export type Chain = {
  /** Adds request `id`'s job to the first queue. */
  start(job: ChainJob): Promise<void>;
  close(): Promise<void>;
};

/**
 * Plain BullMQ on Redis (one shared ioredis connection, its own key prefix `{opkbench-b2-<name>-<pid>}`): queues
 * `q<d>` for each deck id of `route` but 0, then `q0`; each deck worker (concurrency `concurrency`) adds the same
 * data to the next queue, the `q0` worker (concurrency `concurrency`) awaits `onLast(job)`. Every queue is
 * obliterated on close.
 */
export async function rawChain(
  name: string,
  redisUrl: string,
  route: readonly number[],
  concurrency: number,
  onLast: (job: ChainJob) => Promise<void>,
): Promise<Chain> {
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const prefix = `{opkbench-b2-${name}-${process.pid}}`;
  const names = [...route.filter((d) => d !== 0).map((d) => `q${d}`), 'q0'];
  const queues = names.map((n) => new Queue<ChainJob>(n, { connection, prefix }));
  const workers = names.map(
    (n, i) =>
      new Worker<ChainJob>(
        n,
        async (job) => {
          if (i === names.length - 1) return onLast(job.data);
          const next = i + 1;
          const id = `${job.data.id}-${next}`;
          await queues[next]!.add(names[next]!, job.data, next === names.length - 1 ? last(id) : hop(id));
        },
        { connection, prefix, concurrency, maxStalledCount: 2 },
      ),
  );
  for (const w of workers) {
    w.on('error', (e: Error) => console.warn(`${name} worker: ${e.message}`));
    w.on('failed', (j, e: Error) => console.warn(`${name} job ${j?.id} failed: ${e.message}`));
  }
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  return {
    start: async (job) => {
      await queues[0]!.add(names[0]!, job, hop(`${job.id}-0`));
    },
    close: async () => {
      await Promise.allSettled(workers.map((w) => w.close()));
      await Promise.allSettled(queues.map((q) => q.obliterate({ force: true })));
      await Promise.allSettled(queues.map((q) => q.close()));
      await connection.quit().catch(() => undefined);
    },
  };
}

/**
 * The raw 4-hop chain (L6): `q3.add`, the deck workers each add the next job, the `q0` worker (in this process, the
 * driver) resolves the request's waiter. t1 = the `q0` worker ran.
 */
export async function chainSystem(
  redisUrl: string,
  route: readonly number[],
  concurrency: number,
): Promise<PipelineSystem> {
  const done = new Arrivals<string>();
  const chain = await rawChain('chain', redisUrl, route, concurrency, async (job) => done.note(job.id));
  return {
    name: 'chain',
    once: async (seq, timeoutMs) => {
      const id = `c${seq}`;
      done.expect();
      await chain.start({ id, payload: payloadOf(seq) });
      return done.wait(id, timeoutMs);
    },
    inFlight: () => done.outstanding,
    takeAnswers: () => [],
    close: () => chain.close(),
  };
}
