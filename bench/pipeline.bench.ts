/**
 * Benchmark B2 (reference/decks.md §5, issue 9): event → rules → a 4-deck route → result pushed, in Redis mode,
 * next to a raw BullMQ chain and a raw hand-written contract, measured in the same run.
 *
 * - ours: the API in this process (`createApp`, Redis mode, the decks run inline by the API's own workers, as
 *   `npm start` runs them); design: decks 3, 1, 2, 4 (`ops.echo`, concurrency BENCH_CONCURRENCY), event trigger
 *   `bench.ping` → program `bench_ping`, whose NEW rule starts the system service `bench_route` (the route
 *   [3, 1, 2, 4, 0] on the event's payload) and whose rule on `bench_route` TERMINATED is `calling_return`.
 *   t0 = `POST /api/v1/events` sent (an `events:write` API token); t1 = the admin socket on `/live` receives
 *   `task.changed` saying the pid the answer named (the program) is TERMINATED.
 * - chain: raw BullMQ, queues q3, q1, q2, q4 and q0 (ours' deck 0, the execution queue) with the options of ours'
 *   hops and reports; each deck worker adds the next job (the same 200 B payload); the q0 worker, in this process
 *   (the driver), resolves the waiter: the same four hand-offs as ours, and t1 = the q0 worker ran.
 * - contract: node:http + pg + the same raw chain + socket.io: POST → transaction (INSERT + INSERT) → the chain →
 *   q0 → transaction (UPDATE + INSERT) → `io.emit`; t1 = a socket.io client receives it.
 * All in this one process (one clock), on DATABASE_URL's server (or embedded PostgreSQL) and REDIS_URL.
 *
 * Load: a warm-up (closed loop, 16 in flight, BENCH_WARM_S each); closed-loop maxima (BENCH_INFLIGHT in flight,
 * BENCH_CAL_S, BENCH_RUNS runs, systems interleaved) — the chain's median is Tmax_raw; then open-loop Poisson
 * arrivals (seeded, the same for every system) at BENCH_LOADS % of Tmax_raw for BENCH_STEP_S each, BENCH_RUNS runs,
 * systems interleaved per load step (the order rotates per run). Latency t1 − scheduled t0 (ms); a request with no
 * result within BENCH_TIMEOUT_MS counts as infinitely late. A step is sustained when ≥ 98 % of the results arrive by
 * the last arrival + BENCH_GRACE_MS and its p99 ≤ 5 × the p99 at the lowest step (the reference's Tmax rule; with
 * BENCH_LOADS=10,20,…,150 it is the reference's sweep). Once a system is overloaded at a step (< 98 % in time), its
 * higher steps of that run are skipped but for 50 % (BENCH_ALL_STEPS=1 runs them all). After every measurement the system is let settle (every
 * result in, then 0.5 s) before the next one starts. Figures are medians of the runs (of those measured); ratios
 * medians of the per-run ratios. Targets (issue 9): p99 ours/chain ≤ 1.5 at 50 %; throughput (closed-loop max)
 * ours/chain ≥ 0.8; and the reference's others (p50 ≤ 2 ×; against the contract p99 ≤ 1.25 ×, throughput ≥ 0.9 ×).
 *
 *   npm run bench:pipeline
 *   BENCH_RUNS=1 BENCH_STEP_S=3 BENCH_CAL_S=3 BENCH_WARM_S=2 npm run bench:pipeline
 *   env: BENCH_LOADS (10,50,80), BENCH_STEP_S (5), BENCH_CAL_S (5), BENCH_WARM_S (5), BENCH_RUNS (3),
 *        BENCH_INFLIGHT (64), BENCH_CONCURRENCY (16), BENCH_GRACE_MS (1000), BENCH_TIMEOUT_MS (60000),
 *        BENCH_SETTLE_MS (120000), BENCH_ALL_STEPS (0), BENCH_SYSTEMS (ours,chain,contract),
 *        REDIS_URL (redis://127.0.0.1:6379), DATABASE_URL
 */
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { ConsoleLogger, Logger } from '@nestjs/common';
import { logLevelsUpTo, parseLogLevel } from '../apps/api/src/infra/config/app-config';
import { createBenchDatabase } from './support/bench-database';
import { benchEnvironment } from './support/bench-environment';
import { benchPassword } from './support/clinic';
import { chainSystem } from './support/pipeline-chain';
import { contractSystem } from './support/pipeline-contract';
import {
  busyPct,
  closedLoop,
  cpuTicks,
  openLoop,
  poissonArrivals,
  prng,
  settle,
  type Measurement,
} from './support/pipeline-load';
import { oursSystem } from './support/pipeline-ours';
import type { PipelineSystem } from './support/pipeline-system';
import { envInt, envInts, envWords, fmt, median, printTable } from './support/stats';
import { runBench } from './support/run';

const NAMES = ['ours', 'chain', 'contract'] as const;
type Name = (typeof NAMES)[number];
const LOADS = envInts('BENCH_LOADS', [10, 50, 80]).sort((a, b) => a - b);
const STEP_S = envInt('BENCH_STEP_S', 5);
const CAL_S = envInt('BENCH_CAL_S', 5);
const WARM_S = envInt('BENCH_WARM_S', 5);
const RUNS = envInt('BENCH_RUNS', 3);
const INFLIGHT = envInt('BENCH_INFLIGHT', 64);
const CONCURRENCY = envInt('BENCH_CONCURRENCY', 16);
const GRACE_MS = envInt('BENCH_GRACE_MS', 1000);
const TIMEOUT_MS = envInt('BENCH_TIMEOUT_MS', 60_000);
const SETTLE_MS = envInt('BENCH_SETTLE_MS', 120_000);
const ALL_STEPS = process.env['BENCH_ALL_STEPS'] === '1';
const SYSTEMS = envWords('BENCH_SYSTEMS', NAMES, NAMES);
const REDIS_URL = process.env['REDIS_URL'] || 'redis://127.0.0.1:6379';
const ROUTE = [3, 1, 2, 4, 0] as const;
/** Share of results that must arrive in time for a step to count as sustained. */
const SUSTAINED = 0.98;
/** A sustained step's p99 may be at most this many times the lowest step's. */
const P99_GROWTH = 5;

/** `xs` rotated by `r`, so the order of the systems changes from run to run. */
const rotate = <T>(xs: readonly T[], r: number): T[] => xs.map((_, i) => xs[(i + r) % xs.length]!);
/** Latency for the tables: ms with one decimal, `lost` for a percentile that fell on a lost request. */
const ms = (x: number) => (x === Infinity ? 'lost' : fmt(x));
/** A ratio with two decimals, `∞` when ours lost the percentile. */
const ratio = (x: number) => (x === Infinity ? '∞' : fmt(x, 2));
/** Median of the measured values (skipped runs left out). */
const med = (xs: (Measurement | null)[], f: (m: Measurement) => number) =>
  median(xs.filter((m): m is Measurement => m !== null).map(f));
/** Median over runs of ours/other, for the runs where both were measured. */
const perRun = (ours: (Measurement | null)[], other: (Measurement | null)[], f: (m: Measurement) => number) =>
  median(ours.flatMap((o, i) => (o && other[i] ? [f(o) / f(other[i])] : [])));

function line(what: string, m: Measurement): string {
  const answered = Number.isFinite(m.answerP50) ? `, answered p50/p99 ${fmt(m.answerP50)}/${fmt(m.answerP99)} ms` : '';
  return (
    `${what}: ${m.done}/${m.n} (${m.inTime} in time, ${m.lost} lost) ${fmt(m.rate, 0)}/s, p50/p99/p99.9 ` +
    `${ms(m.p50)}/${ms(m.p99)}/${ms(m.p999)} ms${answered}, box CPU ${fmt(m.boxCpu, 0)} %` +
    (m.error ? `; ${m.error}` : '')
  );
}

async function main(): Promise<boolean> {
  const started = performance.now();
  const cpu0 = cpuTicks();
  const own0 = process.cpuUsage();
  if (!SYSTEMS.includes('ours') || !SYSTEMS.includes('chain'))
    throw new Error('BENCH_SYSTEMS must name ours and chain (the chain calibrates the load)');
  process.env.LOG_LEVEL ??= 'warn';
  Logger.overrideLogger(
    new ConsoleLogger({ json: true, logLevels: logLevelsUpTo(parseLogLevel(process.env.LOG_LEVEL, 'warn')) }),
  );
  process.env.JWT_SECRET ??= randomBytes(32).toString('hex');
  process.env.ADMIN_PASSWORD ??= benchPassword();
  const db = await createBenchDatabase('opkernel_pipeline');
  const systems = new Map<Name, PipelineSystem>();
  let failed = false;
  let seq = 0;
  const nextSeq = () => ++seq;
  /** Lets `name` settle; a system that does not is a failed sanity check (it would load the next one). */
  const calm = async (name: Name) => {
    const s = await settle(systems.get(name)!, SETTLE_MS);
    if (!s.settled) {
      failed = true;
      console.error(`SANITY: ${name} still had ${systems.get(name)!.inFlight()} in flight after ${SETTLE_MS} ms`);
    } else if (s.ms > 1000) console.log(`#   (${name} settled after ${fmt(s.ms / 1000)} s)`);
  };
  try {
    console.log(`# ${await benchEnvironment(db.url, REDIS_URL)}`);
    systems.set('ours', await oursSystem(db.url, REDIS_URL, ROUTE, CONCURRENCY));
    systems.set('chain', await chainSystem(REDIS_URL, ROUTE, CONCURRENCY));
    if (SYSTEMS.includes('contract'))
      systems.set('contract', await contractSystem(db.url, REDIS_URL, ROUTE, CONCURRENCY));
    const names = NAMES.filter((n) => systems.has(n));

    for (const name of names) {
      const m = await closedLoop(systems.get(name)!, 16, WARM_S, nextSeq, TIMEOUT_MS);
      console.log(`# warm-up ${line(name, m)}`);
      if (m.lost > 0) failed = true;
      await calm(name);
    }

    const closed = new Map<Name, Measurement[]>(names.map((n) => [n, []]));
    for (let r = 0; r < RUNS; r++)
      for (const name of rotate(names, r)) {
        const m = await closedLoop(systems.get(name)!, INFLIGHT, CAL_S, nextSeq, TIMEOUT_MS);
        closed.get(name)!.push(m);
        console.log(`# closed loop ${INFLIGHT} in flight, run ${r + 1}: ${line(name, m)}`);
        if (m.lost > 0) failed = true;
        await calm(name);
      }
    const tmaxRaw = median(closed.get('chain')!.map((m) => m.rate));
    console.log(`# Tmax_raw (the chain's closed-loop median) = ${fmt(tmaxRaw, 0)}/s`);

    // open.get(load).get(name)[run]: null when skipped (overloaded at a lower step of that run).
    const open = new Map<number, Map<Name, (Measurement | null)[]>>(
      LOADS.map((l) => [l, new Map(names.map((n) => [n, [] as (Measurement | null)[]]))]),
    );
    const lowest = LOADS[0]!;
    /** The step the latency targets are judged at: 50 %, else the middle step; always measured. */
    const at = LOADS.includes(50) ? 50 : LOADS[Math.floor(LOADS.length / 2)]!;
    const overloaded = (m: Measurement) => m.inTime < SUSTAINED * m.n;
    const sustains = (name: Name, r: number, m: Measurement) =>
      m.inTime >= SUSTAINED * m.n && m.p99 <= P99_GROWTH * open.get(lowest)!.get(name)![r]!.p99;
    for (let r = 0; r < RUNS; r++) {
      const missed = new Set<Name>();
      for (const load of LOADS) {
        const rate = (tmaxRaw * load) / 100;
        const arrivals = poissonArrivals(rate, STEP_S, prng(1000 * (r + 1) + load));
        for (const name of rotate(names, r)) {
          const what = `open loop ${load} % (${fmt(rate, 0)}/s offered), run ${r + 1}`;
          if (missed.has(name) && load !== at && !ALL_STEPS) {
            open.get(load)!.get(name)!.push(null);
            console.log(`# ${what}: ${name} skipped (overloaded at a lower step)`);
            continue;
          }
          const m = await openLoop(systems.get(name)!, arrivals, nextSeq, GRACE_MS, TIMEOUT_MS);
          open.get(load)!.get(name)!.push(m);
          console.log(`# ${what}: ${line(name, m)}`);
          if (overloaded(m)) missed.add(name);
          await calm(name);
        }
      }
    }

    // The highest step sustained (every lower one too), per system and run, as a rate; the median over runs.
    const tmaxSteps = (name: Name) =>
      median(
        Array.from({ length: RUNS }, (_, r) => {
          let best = 0;
          for (const load of LOADS) {
            const m = open.get(load)!.get(name)![r];
            if (!m || !sustains(name, r, m)) break;
            best = load;
          }
          return (best * tmaxRaw) / 100;
        }),
      );

    const total = busyPct(cpu0, cpuTicks());
    const own = process.cpuUsage(own0);
    const elapsed = (performance.now() - started) / 1000;
    console.log(
      `\n# B2 pipeline (Redis mode; ours' decks run inline in the API process; route [${ROUTE.join(', ')}], ` +
        `concurrency ${CONCURRENCY} per deck/queue; ${RUNS} interleaved run(s); closed loop ${CAL_S} s at ` +
        `${INFLIGHT} in flight; open loop Poisson ${STEP_S} s per step; latency = t0 (sent) → t1 (result pushed), ms)`,
    );
    console.log(
      `# machine: box CPU busy ${fmt(total, 0)} % over the run (this process ${fmt(
        ((own.user + own.system) / 1e6 / elapsed) * 100,
        0,
      )} % of one core); load average now ${loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')}`,
    );
    printTable(
      ['closed loop', 'max/s', 'p50', 'p99', 'p99.9', 'ours/this max'],
      names.map((n) => {
        const xs = closed.get(n)!;
        return [
          n,
          fmt(
            med(xs, (m) => m.rate),
            0,
          ),
          ms(med(xs, (m) => m.p50)),
          ms(med(xs, (m) => m.p99)),
          ms(med(xs, (m) => m.p999)),
          ratio(perRun(closed.get('ours')!, xs, (m) => m.rate)),
        ];
      }),
    );
    console.log('');
    const rows: string[][] = [];
    for (const load of LOADS)
      for (const n of names) {
        const xs = open.get(load)!.get(n)!;
        const ours = open.get(load)!.get('ours')!;
        const measured = xs.filter((m) => m !== null).length;
        rows.push([
          `${load} %`,
          n,
          `${measured}/${RUNS}`,
          fmt((tmaxRaw * load) / 100, 0),
          fmt(
            med(xs, (m) => m.rate),
            0,
          ),
          fmt(
            med(xs, (m) => (100 * m.inTime) / m.n),
            1,
          ),
          ms(med(xs, (m) => m.p50)),
          ms(med(xs, (m) => m.p99)),
          ms(med(xs, (m) => m.p999)),
          n === 'ours'
            ? '-'
            : [(m: Measurement) => m.p50, (m: Measurement) => m.p99, (m: Measurement) => m.p999]
                .map((f) => ratio(perRun(ours, xs, f)))
                .join(' / '),
        ]);
      }
    printTable(
      [
        'load',
        'system',
        'runs',
        'offered/s',
        'achieved/s',
        'in time %',
        'p50',
        'p99',
        'p99.9',
        'ours/this p50 / p99 / p99.9',
      ],
      rows,
    );
    console.log('');
    printTable(
      ['system', 'closed-loop max/s', 'sustained step max/s', 'ours/this (closed)', 'ours/this (steps)'],
      names.map((n) => [
        n,
        fmt(
          med(closed.get(n)!, (m) => m.rate),
          0,
        ),
        fmt(tmaxSteps(n), 0),
        ratio(perRun(closed.get('ours')!, closed.get(n)!, (m) => m.rate)),
        ratio(tmaxSteps('ours') / tmaxSteps(n)),
      ]),
    );
    const latencyRatio = (n: Name, f: (m: Measurement) => number) =>
      perRun(open.get(at)!.get('ours')!, open.get(at)!.get(n)!, f);
    const closedRatio = (n: Name) => perRun(closed.get('ours')!, closed.get(n)!, (m) => m.rate);
    const verdict = (x: number, ok: (x: number) => boolean) => `${ratio(x)}: ${ok(x) ? 'met' : 'NOT met'}`;
    const targets = [
      `p99 ours/chain at ${at} % (≤ 1.5) = ${verdict(
        latencyRatio('chain', (m) => m.p99),
        (x) => x <= 1.5,
      )}`,
      `p50 ours/chain at ${at} % (≤ 2.0) = ${verdict(
        latencyRatio('chain', (m) => m.p50),
        (x) => x <= 2,
      )}`,
      `throughput (closed-loop max) ours/chain (≥ 0.8) = ${verdict(closedRatio('chain'), (x) => x >= 0.8)}`,
    ];
    if (systems.has('contract'))
      targets.push(
        `p99 ours/contract at ${at} % (≤ 1.25) = ${verdict(
          latencyRatio('contract', (m) => m.p99),
          (x) => x <= 1.25,
        )}`,
        `throughput (closed-loop max) ours/contract (≥ 0.9) = ${verdict(closedRatio('contract'), (x) => x >= 0.9)}`,
      );
    else targets.push('raw contract not measured (BENCH_SYSTEMS)');
    console.log(`\n# targets (median of per-run ratios; a ratio that is not a number is not met):`);
    for (const t of targets) console.log(`#   ${t}`);
    console.log(`# total ${fmt(elapsed)} s`);
  } finally {
    for (const s of systems.values()) await s.close().catch((e: unknown) => console.error(`${s.name}: close`, e));
    await db.drop();
  }
  return failed;
}

runBench(main, 'requests lost in the warm-up or the closed loops, or a system that did not settle');
