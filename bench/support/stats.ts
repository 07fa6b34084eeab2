/** Small statistics and table helpers shared by the benchmarks. */
import { readFileSync } from 'node:fs';

/** The p-th percentile (nearest rank) of `xs`; NaN when empty. */
export function pct(xs: readonly number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

/** The median of `xs` (the lower middle for an even count); NaN when empty. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)]!;
}

/** Reads a positive integer from the environment. @throws Error for anything else */
export function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return n;
}

/** Reads a comma-separated list of positive integers from the environment. */
export function envInts(name: string, fallback: number[]): number[] {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const xs = raw.split(',').map((x) => Number(x.trim()));
  if (xs.some((n) => !Number.isInteger(n) || n <= 0))
    throw new Error(`${name} must be positive integers separated by commas, got "${raw}"`);
  return xs;
}

/** Reads a comma-separated list of words from the environment, each one of `allowed`. */
export function envWords<T extends string>(name: string, allowed: readonly T[], fallback: readonly T[]): T[] {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return [...fallback];
  const xs = raw.split(',').map((x) => x.trim());
  const bad = xs.filter((x) => !allowed.includes(x as T));
  if (bad.length > 0) throw new Error(`${name}: unknown ${bad.join(', ')} (allowed: ${allowed.join(', ')})`);
  return xs as T[];
}

/** Runs `fn` over `items` with `callers` concurrent workers; returns each call's latency (ms). */
export async function runConcurrently<T>(
  items: readonly T[],
  callers: number,
  fn: (item: T) => Promise<void>,
): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(callers, items.length) }, async () => {
      while (next < items.length) {
        const item = items[next++]!;
        const t0 = performance.now();
        await fn(item);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return latencies;
}

/** Prints a table with right-aligned columns (first column left-aligned). */
export function printTable(header: string[], rows: (string | number)[][]): void {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const r of cells.slice(1)) console.log(line(r));
}

/** `x` with `digits` decimals, or `-` for NaN. */
export const fmt = (x: number, digits = 1): string => (Number.isFinite(x) ? x.toFixed(digits) : '-');

/** Sums utime+stime (ms) of the given Linux processes from /proc (processes that are gone count 0). */
export function procCpuMs(pids: readonly number[]): number {
  const tick = 1000 / 100; // USER_HZ is 100 on Linux
  let total = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += (Number(fields[11]) + Number(fields[12])) * tick; // utime, stime (fields 14, 15)
    } catch {
      // gone
    }
  }
  return total;
}

/** Resident set size of a Linux process, kB (VmRSS and VmHWM from /proc/<pid>/status). */
export function rssKb(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: field('VmRSS'), hwm: field('VmHWM') };
}
