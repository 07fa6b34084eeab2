/**
 * Benchmark B3 (reference/decks.md §5, issue 9): the deck runtime vs raw BullMQ, on Redis and on BullMQ's
 * PostgreSQL backend, in the same run.
 *
 * Ours: no-op jobs (`bench.noop`, registered in a `DeckHandlers`) on one deck, the one-step route `[1, 0]` compiled
 * by the kernel; each job is the kernel's `StageJob` added to `deck-bench` with `hopOptions` (deterministic id,
 * priority, 3 attempts with backoff, removeOnComplete 1 h), run by a worker made as `DeckWorkers.ensure` makes it:
 * the real `runHop` (handler lookup, ctx, 30 s timeout wrapper, payload cap, hop journal) with the real
 * `DeckWorkers.sink`, which adds the run's report to `deck-execution` (nobody consumes it: a stub deck 0).
 * Raw: plain BullMQ `Queue`/`Worker`, the same job data and options, the same concurrency and `maxStalledCount`,
 * whose processor adds one result job of the same size (and options) to a second queue. A job counts as done
 * when its processor has returned its work (ours: runHop returned, its report added). Both in this process, with
 * their own key prefix; every queue is obliterated after each run.
 *
 * Modes, per concurrency: drain — N jobs prefilled with addBulk, then the worker is started and timed until all N
 * are done (jobs/s); steady — open loop at BENCH_STEADY_PCT (50) % of the median raw drain rate of that
 * concurrency for BENCH_STEADY_S seconds (jobs added one by one, as the Guide dispatches them), achieved rate and
 * p50/p99 latency from the job's scheduled add time to done. Per backend a warm-up (3 drains of each system at
 * concurrency 16: 5000 jobs on Redis, 500 on PostgreSQL), per concurrency one more warm-up drain of each, then
 * BENCH_RUNS (3) runs of each mode with the systems interleaved (which goes first alternates); figures are medians
 * of the runs, ratios the medians of the per-run ours/raw ratios. Target (issue 9): drain ≥ 0.9 × raw.
 *
 * The PostgreSQL backend runs in a fresh database (bench/support's helper: DATABASE_URL's server, or embedded);
 * the same database gives ours its queue prefix on Redis too.
 *
 * Defaults fit a 2-core box in about 10 minutes: N is 20000 on Redis and 2000 on PostgreSQL (the figure
 * is 100k: BENCH_JOBS=100000 sets both).
 *
 *   npm run bench:decks
 *   BENCH_JOBS=5000 BENCH_CONCURRENCY=1,16 BENCH_BACKENDS=redis npm run bench:decks
 *   env: BENCH_JOBS (redis 20000, postgres 2000), BENCH_CONCURRENCY (1,16,64,128), BENCH_BACKENDS
 *        (redis,postgres), BENCH_RUNS (3), BENCH_STEADY_S (5), BENCH_STEADY_PCT (50), REDIS_URL
 *        (redis://127.0.0.1:6379), DATABASE_URL
 */
import { Client } from 'pg';
import { hopJobId } from '@opkernel/kernel';
import { benchEnvironment } from './support/bench-environment';
import { createBenchDatabase } from './support/bench-database';
import {
  oursSystem,
  rawSystem,
  stageJob,
  type Backend,
  type DeckSystem,
  type SystemName,
} from './support/deck-systems';
import { envInt, envInts, envWords, fmt, median, pct, printTable } from './support/stats';
import { runBench } from './support/run';

const DEFAULT_JOBS: Record<Backend, number> = { redis: 20_000, postgres: 2_000 };
/** Jobs of each warm-up drain. */
const WARM_JOBS: Record<Backend, number> = { redis: 5_000, postgres: 500 };
const JOBS_ENV = process.env['BENCH_JOBS'] ? envInt('BENCH_JOBS', 1) : null;
const CONCURRENCY = envInts('BENCH_CONCURRENCY', [1, 16, 64, 128]);
const BACKENDS = envWords('BENCH_BACKENDS', ['redis', 'postgres'] as const, ['redis', 'postgres']);
const RUNS = envInt('BENCH_RUNS', 3);
const STEADY_S = envInt('BENCH_STEADY_S', 5);
const STEADY_PCT = envInt('BENCH_STEADY_PCT', 50);
const REDIS_URL = process.env['REDIS_URL'] || 'redis://127.0.0.1:6379';
/** A run fails when no job finishes for this long (ms). */
const STALL_MS = 30_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One run of one system: jobs/s, latency (ms), this process's CPU per job (µs), and the checks' counts. */
type Run = {
  rate: number;
  p50: number;
  p99: number;
  cpuUs: number;
  done: number;
  dup: number;
  results: number;
  bytes: number;
};

/** Unique process ids across all runs, so no job id repeats while finished jobs are remembered. */
let nextPid = 1;
const jobsOf = (n: number) => Array.from({ length: n }, () => stageJob(nextPid++));

/**
 * Waits until `count()` reaches `n`.
 * @throws Error when it makes no progress for {@link STALL_MS}
 */
async function until(n: number, count: () => number, what: string): Promise<void> {
  let last = -1;
  let since = performance.now();
  while (count() < n) {
    const c = count();
    if (c !== last) [last, since] = [c, performance.now()];
    else if (performance.now() - since > STALL_MS) throw new Error(`${what}: stuck at ${c}/${n} jobs done`);
    await sleep(2);
  }
}

/** One measured run of `s`: `start` starts the load once the worker is ready; results are checked, then cleaned. */
async function measure(
  s: DeckSystem,
  concurrency: number,
  n: number,
  what: string,
  start: (onStart: () => void) => Promise<void>,
  scheduled: Map<string, number> | null,
): Promise<Run> {
  const seen = new Set<string>();
  const latencies: number[] = [];
  let dup = 0;
  let lastDone = 0;
  const worker = await s.worker(concurrency, (id) => {
    if (seen.has(id)) dup++;
    seen.add(id);
    lastDone = performance.now();
    const t = scheduled?.get(id);
    if (t !== undefined) latencies.push(lastDone - t);
  });
  let t0 = 0;
  let cpu0 = process.cpuUsage();
  await start(() => {
    t0 = performance.now();
    cpu0 = process.cpuUsage();
    void worker.run().catch((e: unknown) => console.error(`${what}: worker failed`, e));
  });
  await until(n, () => seen.size, what);
  const cpu = process.cpuUsage(cpu0);
  const rate = (n / (lastDone - t0)) * 1000;
  await s.closeWorker(worker);
  const results = await s.results();
  const bytes = await s.resultBytes();
  await s.clean();
  const cpuUs = (cpu.user + cpu.system) / n;
  return { rate, p50: pct(latencies, 50), p99: pct(latencies, 99), cpuUs, done: seen.size, dup, results, bytes };
}

/** Drain: `n` jobs prefilled, then the worker started and timed until all are done. */
async function drain(s: DeckSystem, concurrency: number, n: number): Promise<Run> {
  await s.addBulk(jobsOf(n));
  return measure(s, concurrency, n, `${s.name} drain c=${concurrency}`, async (go) => go(), null);
}

/** Steady: the worker running, jobs added one by one at `rate` jobs/s for {@link STEADY_S} s (open loop). */
async function steady(s: DeckSystem, concurrency: number, rate: number): Promise<Run> {
  const jobs = jobsOf(Math.max(1, Math.round(rate * STEADY_S)));
  const scheduled = new Map<string, number>();
  return measure(
    s,
    concurrency,
    jobs.length,
    `${s.name} steady c=${concurrency}`,
    async (go) => {
      const adds: Promise<void>[] = [];
      const t0 = performance.now();
      go();
      let sent = 0;
      while (sent < jobs.length) {
        const due = Math.min(jobs.length, Math.floor(((performance.now() - t0) * rate) / 1000) + 1);
        for (; sent < due; sent++) {
          const job = jobs[sent]!;
          scheduled.set(hopJobId(job.runId, job.step, job.gen), t0 + (sent * 1000) / rate);
          adds.push(s.add(job));
        }
        await sleep(1);
      }
      await Promise.all(adds);
    },
    scheduled,
  );
}

type Cell = {
  concurrency: number;
  mode: 'drain' | 'steady';
  load: number;
  runs: { order: string; ours: Run; raw: Run }[];
};

/** Runs `fn` for both systems, `first` going first. */
async function pair(
  systems: Record<SystemName, DeckSystem>,
  first: SystemName,
  fn: (s: DeckSystem) => Promise<Run>,
): Promise<Record<SystemName, Run>> {
  const second: SystemName = first === 'ours' ? 'raw' : 'ours';
  const a = await fn(systems[first]);
  const b = await fn(systems[second]);
  return first === 'ours' ? { ours: a, raw: b } : { ours: b, raw: a };
}

async function main(): Promise<boolean> {
  const started = performance.now();
  let failed = false;
  const fail = (message: string) => {
    failed = true;
    console.error(`SANITY: ${message}`);
  };
  const db = await createBenchDatabase('opkernel_decks');
  const client = new Client({ connectionString: db.url });
  await client.connect();
  const query = async <T>(sql: string): Promise<T[]> => (await client.query(sql)).rows as T[];
  const urls = { redis: REDIS_URL, database: db.url };
  const results = new Map<Backend, { n: number; cells: Cell[] }>();
  try {
    console.log(`# ${await benchEnvironment(db.url, REDIS_URL)}`);
    for (const backend of BACKENDS) {
      const n = JOBS_ENV ?? DEFAULT_JOBS[backend];
      const systems: Record<SystemName, DeckSystem> = {
        ours: await oursSystem(backend, urls, query),
        raw: rawSystem(backend, urls),
      };
      const cells: Cell[] = [];
      results.set(backend, { n, cells });
      const check = (what: string, r: Run, expected: number) => {
        if (r.done !== expected || r.dup > 0 || r.results !== expected)
          fail(`${backend} ${what}: ${r.done}/${expected} done, ${r.dup} twice, ${r.results} results`);
      };
      try {
        await systems.ours.clean();
        await systems.raw.clean();
        // Warm-up: the JIT keeps speeding both up over the first ~10k jobs (Redis), so a few rounds first.
        const warm = WARM_JOBS[backend];
        for (let i = 0; i < 3; i++) {
          const w = await pair(systems, i % 2 === 0 ? 'ours' : 'raw', (s) => drain(s, 16, warm));
          check(`warm-up`, w.ours, warm);
          check(`warm-up`, w.raw, warm);
          if (Math.abs(w.ours.bytes - w.raw.bytes) > 0.1 * w.raw.bytes)
            fail(`${backend}: result payloads differ (ours ${w.ours.bytes} B, raw ${w.raw.bytes} B)`);
        }
        for (const c of CONCURRENCY) {
          const w = await pair(systems, 'ours', (s) => drain(s, c, warm));
          check(`warm-up c=${c}`, w.ours, warm);
          check(`warm-up c=${c}`, w.raw, warm);
          const drains: Cell = { concurrency: c, mode: 'drain', load: NaN, runs: [] };
          for (let i = 0; i < RUNS; i++) {
            const first: SystemName = i % 2 === 0 ? 'ours' : 'raw';
            const r = await pair(systems, first, (s) => drain(s, c, n));
            check(`drain c=${c} run ${i + 1}`, r.ours, n);
            check(`drain c=${c} run ${i + 1}`, r.raw, n);
            drains.runs.push({ order: first, ...r });
            console.log(
              `# ${backend} c=${c} drain run ${i + 1} (${first} first): ours ${fmt(r.ours.rate, 0)}, raw ` +
                `${fmt(r.raw.rate, 0)} jobs/s; CPU ours ${fmt(r.ours.cpuUs, 0)}, raw ${fmt(r.raw.cpuUs, 0)} µs/job`,
            );
          }
          cells.push(drains);
          const load = (median(drains.runs.map((r) => r.raw.rate)) * STEADY_PCT) / 100;
          const steadies: Cell = { concurrency: c, mode: 'steady', load, runs: [] };
          for (let i = 0; i < RUNS; i++) {
            const first: SystemName = i % 2 === 0 ? 'raw' : 'ours';
            const r = await pair(systems, first, (s) => steady(s, c, load));
            const m = Math.max(1, Math.round(load * STEADY_S));
            check(`steady c=${c} run ${i + 1}`, r.ours, m);
            check(`steady c=${c} run ${i + 1}`, r.raw, m);
            steadies.runs.push({ order: first, ...r });
            console.log(
              `# ${backend} c=${c} steady ${fmt(load, 0)}/s run ${i + 1} (${first} first): ours ` +
                `${fmt(r.ours.rate, 0)}/s p50/p99 ${fmt(r.ours.p50)}/` +
                `${fmt(r.ours.p99)} ms, raw ${fmt(r.raw.rate, 0)}/s ${fmt(r.raw.p50)}/${fmt(r.raw.p99)} ms`,
            );
          }
          cells.push(steadies);
        }
      } finally {
        await Promise.allSettled([systems.ours.clean(), systems.raw.clean()]);
        await systems.ours.close();
        await systems.raw.close();
      }
    }

    for (const [backend, { n, cells }] of results) {
      console.log(
        `\n# B3 ${backend}: ${n} no-op jobs per drain run; steady = open loop at ${STEADY_PCT} % of the raw drain ` +
          `rate for ${STEADY_S} s; median of ${RUNS} interleaved runs after a warm-up; ratio = median of per-run ` +
          `ours/raw; latency = scheduled add → done (ms); CPU = this process's (producer and worker) over the run; ` +
          `target drain ratio ≥ 0.9`,
      );
      const med = (cell: Cell, s: SystemName, k: keyof Run) => median(cell.runs.map((r) => r[s][k]));
      const ratio = (cell: Cell, k: keyof Run) => median(cell.runs.map((r) => r.ours[k] / r.raw[k]));
      printTable(
        [
          'concurrency',
          'mode',
          'offered/s',
          'ours jobs/s',
          'raw jobs/s',
          'ratio',
          'ours p50/p99',
          'raw p50/p99',
          'p99 ratio',
          'ours CPU µs/job',
          'raw CPU µs/job',
        ],
        cells.map((cell) => {
          const steadyRow = cell.mode === 'steady';
          const lat = (s: SystemName) =>
            steadyRow ? `${fmt(med(cell, s, 'p50'))} / ${fmt(med(cell, s, 'p99'))}` : '-';
          return [
            String(cell.concurrency),
            cell.mode,
            steadyRow ? fmt(cell.load, 0) : '-',
            fmt(med(cell, 'ours', 'rate'), 0),
            fmt(med(cell, 'raw', 'rate'), 0),
            fmt(ratio(cell, 'rate'), 2),
            lat('ours'),
            lat('raw'),
            steadyRow ? fmt(ratio(cell, 'p99'), 2) : '-',
            fmt(med(cell, 'ours', 'cpuUs'), 0),
            fmt(med(cell, 'raw', 'cpuUs'), 0),
          ];
        }),
      );
    }
    console.log(`\n# ${fmt((performance.now() - started) / 1000, 0)} s in all`);
  } finally {
    await client.end();
    await db.drop();
  }
  return failed;
}

runBench(main, 'B3 decks');
