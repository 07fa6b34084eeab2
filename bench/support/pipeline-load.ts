import { readFileSync } from 'node:fs';
import type { PipelineSystem } from './pipeline-system';
import { pct } from './stats';

/** One measurement of one system: latencies (ms, t1 − t0; a lost request counts as Infinity), counts and rates. */
export type Measurement = {
  /** Requests sent. */
  n: number;
  /** Results that arrived. */
  done: number;
  /** Results that arrived by the end of the sending window + the grace (open loop). */
  inTime: number;
  /** Requests that failed or whose result never came within the timeout. */
  lost: number;
  /** Completions per second over the whole measurement (first send → last result). */
  rate: number;
  p50: number;
  p99: number;
  p999: number;
  /** Busy share of the whole machine's CPU over the measurement, % (all processes: PostgreSQL, Redis, others). */
  boxCpu: number;
  /** ms from send to the HTTP answer (ours: `POST /events` answered, the event's transaction committed), p50, p99. */
  answerP50: number;
  answerP99: number;
  /** The first error seen, for the report. */
  error: string | null;
};

/** Busy and total jiffies of all CPUs (`/proc/stat`); zeros where it is missing. */
export function cpuTicks(): { busy: number; total: number } {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const idle = (f[3] ?? 0) + (f[4] ?? 0);
    const total = f.reduce((a, b) => a + b, 0);
    return { busy: total - idle, total };
  } catch {
    return { busy: 0, total: 0 };
  }
}

/** Busy % between two {@link cpuTicks} readings (NaN when unknown). */
export const busyPct = (a: { busy: number; total: number }, b: { busy: number; total: number }): number =>
  b.total > a.total ? (100 * (b.busy - a.busy)) / (b.total - a.total) : NaN;

/** A seeded PRNG in [0, 1) (mulberry32), so every system sees the same arrival times. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Poisson arrival offsets (ms) at `rate`/s over `seconds` s (exponential gaps drawn from `random`). */
export function poissonArrivals(rate: number, seconds: number, random: () => number): number[] {
  const out: number[] = [];
  for (
    let t = -Math.log(1 - random()) * (1000 / rate);
    t < seconds * 1000;
    t += -Math.log(1 - random()) * (1000 / rate)
  )
    out.push(t);
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Tally = { lat: number[]; lost: number; inTime: number; last: number; error: string | null };

function summary(sys: PipelineSystem, n: number, t: Tally, t0: number, cpu0: ReturnType<typeof cpuTicks>): Measurement {
  const answers = sys.takeAnswers();
  const withLost = [...t.lat, ...Array<number>(t.lost).fill(Infinity)];
  return {
    n,
    done: t.lat.length,
    inTime: t.inTime,
    lost: t.lost,
    rate: t.lat.length > 0 ? (t.lat.length / (t.last - t0)) * 1000 : 0,
    p50: pct(withLost, 50),
    p99: pct(withLost, 99),
    p999: pct(withLost, 99.9),
    boxCpu: busyPct(cpu0, cpuTicks()),
    answerP50: pct(answers, 50),
    answerP99: pct(answers, 99),
    error: t.error,
  };
}

/**
 * Open loop: request `nextSeq()` at each of `arrivals` (ms after the start), whatever is still in flight; t0 is the
 * scheduled time (so a driver that falls behind does not hide the wait). Resolves when every request has its
 * result or its `timeoutMs` ran out; `inTime` counts results by the last arrival + `graceMs`.
 */
export async function openLoop(
  sys: PipelineSystem,
  arrivals: readonly number[],
  nextSeq: () => number,
  graceMs: number,
  timeoutMs: number,
): Promise<Measurement> {
  const tally: Tally = { lat: [], lost: 0, inTime: 0, last: 0, error: null };
  sys.takeAnswers();
  const cpu0 = cpuTicks();
  const t0 = performance.now();
  const deadline = t0 + (arrivals.at(-1) ?? 0) + graceMs;
  const pending: Promise<void>[] = [];
  let sent = 0;
  while (sent < arrivals.length) {
    const now = performance.now() - t0;
    for (; sent < arrivals.length && arrivals[sent]! <= now; sent++) {
      const scheduled = t0 + arrivals[sent]!;
      pending.push(
        sys.once(nextSeq(), timeoutMs).then(
          (t1) => {
            tally.lat.push(t1 - scheduled);
            tally.last = Math.max(tally.last, t1);
            if (t1 <= deadline) tally.inTime++;
          },
          (e: unknown) => {
            tally.lost++;
            tally.error ??= String(e);
          },
        ),
      );
    }
    await sleep(1);
  }
  await Promise.all(pending);
  return summary(sys, arrivals.length, tally, t0, cpu0);
}

/** Closed loop: `inflight` callers, each sending its next request when its last result arrived, for `seconds` s. */
export async function closedLoop(
  sys: PipelineSystem,
  inflight: number,
  seconds: number,
  nextSeq: () => number,
  timeoutMs: number,
): Promise<Measurement> {
  const tally: Tally = { lat: [], lost: 0, inTime: 0, last: 0, error: null };
  sys.takeAnswers();
  const cpu0 = cpuTicks();
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  let n = 0;
  await Promise.all(
    Array.from({ length: inflight }, async () => {
      while (performance.now() < end) {
        const t = performance.now();
        n++;
        try {
          const t1 = await sys.once(nextSeq(), timeoutMs);
          tally.lat.push(t1 - t);
          tally.last = Math.max(tally.last, t1);
          tally.inTime++;
        } catch (e) {
          tally.lost++;
          tally.error ??= String(e);
        }
      }
    }),
  );
  return summary(sys, n, tally, t0, cpu0);
}

/**
 * Waits until `sys` has nothing in flight (results of timed-out requests included), then `quietMs` more for its
 * trailing work, so that it does not load the next system's measurement.
 * @returns ms waited, and whether it settled within `maxMs`
 */
export async function settle(
  sys: PipelineSystem,
  maxMs: number,
  quietMs = 500,
): Promise<{ ms: number; settled: boolean }> {
  const t0 = performance.now();
  while (sys.inFlight() > 0 && performance.now() - t0 < maxMs) await sleep(20);
  const settled = sys.inFlight() <= 0;
  await sleep(quietMs);
  return { ms: performance.now() - t0, settled };
}
