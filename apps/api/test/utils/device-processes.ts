import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../../..');

/** A child process started by a test, with what it printed so far. */
export type Child = { proc: ChildProcess; output(): string };

/** Starts `script` (TypeScript, through scripts/register.cjs) with `args`; resolves once its stdout has `ready`. */
function startChild(
  what: string,
  script: string,
  args: string[],
  env: Record<string, string>,
  ready: (out: string) => boolean,
): Promise<Child> {
  const proc = spawn(process.execPath, ['-r', './scripts/register.cjs', script, ...args], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} not ready after 60 s: ${out}`)), 60_000);
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (ready(out)) {
        clearTimeout(timer);
        resolve({ proc, output: () => out });
      }
    });
    proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    proc.on('exit', (code) => reject(new Error(`${what} exited (${code}): ${out}`)));
  });
}

/**
 * Starts `npm run hardware-adapter` for the test database, its queues on Redis when `redisUrl` is given (else on
 * PostgreSQL), with short stall detection (lock 2 s, check every 1 s).
 */
export const startAdapter = (name: string, databaseUrl: string, redisUrl: string | null): Promise<Child> =>
  startChild(
    `adapter ${name}`,
    'apps/hardware-adapter/src/main.ts',
    ['--name', name, '--lock-ms', '2000', '--stalled-ms', '1000'],
    { DATABASE_URL: databaseUrl, REDIS_URL: redisUrl ?? '' },
    (out) => out.includes(' ready: '),
  );

/** Starts `npm run device-sim` for `device` at `site` (extra flags: `--latency`, `--no-dedupe`, …). */
export const startSim = (device: string, site: string, extra: string[] = []): Promise<Child> =>
  startChild(
    `device-sim ${device}`,
    'apps/device-sim/src/main.ts',
    ['--device', device, '--site', site, ...extra],
    {},
    (out) => out.includes('"sim":"ready"'),
  );

/** The simulator's JSON lines of one kind (`executed`, `emitted`, …). */
export function simLines(sim: Child, kind: string): Record<string, unknown>[] {
  return sim
    .output()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => l['sim'] === kind);
}

/** Sends the simulator one control line (`{emit: 'alarm', eventId, payload}`). */
export function simSay(sim: Child, line: Record<string, unknown>): void {
  sim.proc.stdin!.write(`${JSON.stringify(line)}\n`);
}
