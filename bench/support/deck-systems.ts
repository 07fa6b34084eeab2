/**
 * The two systems of benchmark B3 (bench/decks.bench.ts), behind one shape: "ours", a deck worker as the API runs
 * it (the real QueueFactory, DeckHandlers, DeckWorkers' sink and runHop), and "raw", plain BullMQ `Queue`/`Worker`
 * with the same job options, concurrency and stall setting whose processor adds one result job of the same size to a
 * second queue. Both on Redis or on BullMQ's PostgreSQL backend.
 */
import {
  createPostgresBackend,
  Queue as RedisQueue,
  Worker as RedisWorker,
  withBackend,
  type Job,
  type JobsOptions,
  type Processor,
  type Queue,
  type Worker,
} from 'bullmq';
import { Redis } from 'ioredis';
import { compileRoute, type KernelDeck, type StageJob, type StageReport } from '@opkernel/kernel';
import { DeckHandlers } from '../../apps/api/src/modules/decks/deck-handlers';
import { DeckWorkers } from '../../apps/api/src/modules/decks/deck-workers.service';
import {
  deckQueueName,
  EXECUTION_QUEUE,
  hopOptions,
  reportOptions,
  runHop,
  WORKER_NAME,
} from '../../apps/api/src/modules/decks/hop-runner';
import { BULLMQ_PG_SCHEMA, QueueFactory, queuePrefix } from '../../apps/api/src/modules/decks/queue-factory';

export type Backend = 'redis' | 'postgres';
export type SystemName = 'ours' | 'raw';

/** The bench's deck: one handler (`bench.noop`), 3 attempts with backoff, a 30 s per-attempt timeout. */
export const BENCH_DECK: KernelDeck = {
  key: 'bench',
  id: 1,
  label: 'Bench',
  handlers: ['bench.noop'],
  concurrency: 1,
  retry: { attempts: 3, backoff: { type: 'exponential', delayMs: 1000, jitter: 0 } },
  timeoutMs: 30_000,
};

/** The one-step route `[1, 0]` on {@link BENCH_DECK}, compiled as the kernel compiles it. */
const STEPS = compileRoute(new Map([[BENCH_DECK.key, BENCH_DECK]]), {
  route: [BENCH_DECK.id, 0],
  input: {},
  resultVar: null,
  publish: 'none',
});

/** Kernel priority of every bench job (BullMQ priority 1101 − 500). */
const PRIORITY = 500;

/** The StageJob of hop 0 of process `pid`'s first run, as the kernel dispatches it. */
export function stageJob(pid: number): StageJob {
  return {
    v: 1,
    runId: `p${pid}r1`,
    pid,
    gen: 0,
    step: 0,
    steps: STEPS,
    input: { pid },
    prev: { pid },
    outputs: [],
    hops: [],
    priority: PRIORITY,
  };
}

/** Called when a job's processor has done its work (ours: runHop returned), with the job's id. */
export type OnDone = (id: string) => void;

/** One system on one backend: its work queue, a worker factory, and clean-up. */
export type DeckSystem = {
  name: SystemName;
  /** Adds jobs in bulk (prefill), with the system's job options. */
  addBulk(jobs: StageJob[]): Promise<void>;
  /** Adds one job as the system's producer does (ours: the Guide's dispatch, `DeckWorkers.sink.next`). */
  add(job: StageJob): Promise<void>;
  /** A worker at `concurrency`, not running yet (`run()` starts it); `onDone` sees each finished job. */
  worker(concurrency: number, onDone: OnDone): Promise<Worker<unknown, unknown, string>>;
  /** Closes a worker made by {@link worker}. */
  closeWorker(worker: Worker<unknown, unknown, string>): Promise<void>;
  /** Jobs in the result queue (ours: reports in the execution queue), to check every job handed on its result. */
  results(): Promise<number>;
  /** Bytes of JSON of one result job (for the same-payload check). */
  resultBytes(): Promise<number>;
  /** Removes every job of both queues. */
  clean(): Promise<void>;
  close(): Promise<void>;
};

/** The options of a StageJob's hop (the deck's): the same for both systems. */
const jobOptions = (job: StageJob): JobsOptions => hopOptions(job);

async function countAll(q: Queue<unknown, unknown, string>): Promise<number> {
  const c = await q.getJobCounts('waiting', 'prioritized', 'active', 'completed', 'failed', 'delayed');
  return Object.values(c).reduce((a, b) => a + b, 0);
}

async function firstBytes(q: Queue<unknown, unknown, string>): Promise<number> {
  const [job] = await q.getJobs(['waiting', 'prioritized'], 0, 0);
  return job ? Buffer.byteLength(JSON.stringify(job.data)) : NaN;
}

async function addInChunks(q: Queue<unknown, unknown, string>, name: string, jobs: StageJob[]): Promise<void> {
  for (let i = 0; i < jobs.length; i += 1000)
    await q.addBulk(jobs.slice(i, i + 1000).map((data) => ({ name, data, opts: jobOptions(data) })));
}

/**
 * Ours: `new QueueFactory({redisUrl | null, databaseUrl, prefix: queuePrefix(db)})`, `DeckHandlers` with
 * `bench.noop` registered, and a worker made as `DeckWorkers.ensure` makes it (`maxStalledCount: 2`) running the
 * real `runHop` with the real `DeckWorkers.sink` (the report goes to `deck-execution`, which nobody consumes here: a
 * stub deck 0).
 */
export async function oursSystem(
  backend: Backend,
  urls: { redis: string; database: string },
  query: <T>(sql: string) => Promise<T[]>,
): Promise<DeckSystem> {
  const factory = new QueueFactory({
    redisUrl: backend === 'redis' ? urls.redis : null,
    databaseUrl: urls.database,
    prefix: await queuePrefix(query),
  });
  const handlers = new DeckHandlers();
  handlers.register('bench.noop', async () => null);
  const decks = new DeckWorkers(factory, handlers);
  const deckQueue = factory.queue(deckQueueName(BENCH_DECK.key));
  const execution = factory.queue(EXECUTION_QUEUE);
  return {
    name: 'ours',
    addBulk: (jobs) => addInChunks(deckQueue, STEPS[0]!.handler, jobs),
    add: (job) => decks.sink.next(job),
    worker: async (concurrency, onDone) => {
      const w = factory.worker(
        deckQueueName(BENCH_DECK.key),
        async (job) => {
          const r = await runHop(job as Job<StageJob>, handlers, decks.sink);
          onDone(job.id!);
          return r;
        },
        { concurrency, maxStalledCount: 2, autorun: false },
      );
      await w.waitUntilReady();
      return w;
    },
    closeWorker: (w) => factory.closeWorker(w),
    results: () => countAll(execution),
    resultBytes: () => firstBytes(execution),
    clean: async () => {
      await deckQueue.obliterate({ force: true });
      await execution.obliterate({ force: true });
    },
    close: () => factory.close(),
  };
}

/** The result a raw worker adds: the same fields and size as ours' report (one hop, no output). */
function rawResult(data: StageJob, startedAt: number): StageReport {
  return {
    kind: 'completed',
    pid: data.pid,
    runId: data.runId,
    gen: data.gen,
    output: null,
    outputs: [null],
    hops: [
      {
        step: 0,
        deck: BENCH_DECK.key,
        handler: 'bench.noop',
        attempt: 1,
        worker: WORKER_NAME,
        startedAt,
        endedAt: Date.now(),
        outcome: 'completed',
      },
    ],
  };
}

/**
 * Raw: plain BullMQ on the same backend and connection settings as ours (Redis: one shared ioredis connection;
 * PostgreSQL: schema `bullmq`, pool of 3 per queue/worker), its own key prefix, queues `raw-work` and
 * `raw-results`; the processor adds the result job (with the options ours' reports have) and nothing else.
 */
export function rawSystem(backend: Backend, urls: { redis: string; database: string }): DeckSystem {
  const prefix = `{opkbench-raw-${process.pid}}`;
  const redis = backend === 'redis' ? new Redis(urls.redis, { maxRetriesPerRequest: null }) : null;
  const pg = withBackend(createPostgresBackend);
  const pgConnection = () => ({ connectionString: urls.database, schema: BULLMQ_PG_SCHEMA, migrate: true, max: 3 });
  type AnyQueue = Queue<unknown, unknown, string>;
  type AnyWorker = Worker<unknown, unknown, string>;
  const queue = (name: string): AnyQueue =>
    redis
      ? (new RedisQueue(name, { connection: redis, prefix }) as AnyQueue)
      : (new pg.Queue(name, { connection: pgConnection(), prefix }) as unknown as AnyQueue);
  const work = queue('raw-work');
  const results = queue('raw-results');
  const workers: AnyWorker[] = [];
  return {
    name: 'raw',
    addBulk: (jobs) => addInChunks(work, STEPS[0]!.handler, jobs),
    add: async (job) => {
      await work.add(STEPS[0]!.handler, job, jobOptions(job));
    },
    worker: async (concurrency, onDone) => {
      const processor: Processor<unknown, unknown, string> = async (job) => {
        const startedAt = Date.now();
        const report = rawResult(job.data as StageJob, startedAt);
        await results.add(report.kind, report, reportOptions(report));
        onDone(job.id!);
        return { step: 0 };
      };
      const options = { concurrency, maxStalledCount: 2, autorun: false, prefix };
      const w = redis
        ? (new RedisWorker('raw-work', processor, { ...options, connection: redis }) as AnyWorker)
        : (new pg.Worker('raw-work', processor, {
            ...options,
            connection: pgConnection(),
          } as never) as unknown as AnyWorker);
      w.on('error', (e: Error) => console.warn(`raw worker: ${e.message}`));
      workers.push(w);
      await w.waitUntilReady();
      return w;
    },
    closeWorker: async (w) => {
      workers.splice(workers.indexOf(w), 1);
      await w.close();
    },
    results: () => countAll(results),
    resultBytes: () => firstBytes(results),
    clean: async () => {
      await work.obliterate({ force: true });
      await results.obliterate({ force: true });
    },
    close: async () => {
      await Promise.allSettled(workers.map((w) => w.close()));
      await Promise.allSettled([work.close(), results.close()]);
      await redis?.quit().catch(() => undefined);
    },
  };
}
