import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NURSES, QUEUE_BACKENDS, START_INSTRUCTION, startRule, stateEvent } from './utils/automation-design';
import type { StageRunView } from '@opkernel/contracts';
import type { ApiClient } from '../src/journey/api-client';
import { QueueFactory } from '../src/modules/decks/queue-factory';
import { expectEventually } from './utils/expect-eventually';
import { setupNurses } from './utils/scheduler';
import { startTestApp, type TestApp } from './utils/test-app';

const ROOT = path.resolve(__dirname, '../../..');

/** A visit whose automated first step sleeps 3 s on the `slow` deck, then hashes on `ops`; its end starts a review. */
const design = (name: string) => ({
  schemaVersion: 1,
  name,
  decks: [
    { key: 'slow', id: 3, label: 'Slow', handlers: ['ops.sleep'] },
    { key: 'ops', id: 1, label: 'Operations', handlers: ['ops.hash'] },
  ],
  services: [
    { key: 'visit', label: 'Visit', kind: 'manual', manualStart: true, routeTo: 'nurse' },
    {
      key: 'crc',
      label: 'CRC',
      kind: 'system',
      automation: { route: [{ deck: 'slow', handler: 'ops.sleep', input: { ms: 3000 } }, 1, 0], input: { n: 1 } },
    },
    { key: 'review', label: 'Review', kind: 'manual', routeTo: 'nurse' },
  ],
  events: [{ key: 'on_new', label: 'new', expression: 'process_state = "NEW"' }, stateEvent('done', 'TERMINATED')],
  instructions: [START_INSTRUCTION],
  rules: [startRule('r1', 'visit', 1, 'visit', 'on_new', 'crc'), startRule('r2', 'visit', 2, 'crc', 'done', 'review')],
  roles: [{ key: 'nurse', label: 'Nurse', services: ['visit', 'review'] }],
  operators: NURSES,
});

/** Starts `npm run worker` for the test database; resolves when it says it is ready. */
function startWorker(name: string, databaseUrl: string, redisUrl: string | null): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      '-r',
      './scripts/register.cjs',
      'apps/worker/src/main.ts',
      '--decks',
      'slow:2,ops:2',
      '--name',
      name,
      '--lock-ms',
      '1500',
      '--stalled-ms',
      '500',
    ],
    {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: databaseUrl, REDIS_URL: redisUrl ?? '', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker ${name} not ready after 60 s: ${out}`)), 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('ready:')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => reject(new Error(`worker ${name} exited (${code}): ${out}`)));
  });
}

describe.each(QUEUE_BACKENDS)('deck workers as processes ($name backend)', ({ name, redisUrl }) => {
  let t: TestApp;
  let admin: ApiClient;
  const workers: ChildProcess[] = [];
  const inline = process.env.DECK_WORKERS;

  beforeAll(async () => {
    process.env.DECK_WORKERS = 'off'; // this API runs no deck workers: only the processes started here do
    t = await startTestApp({ redisUrl });
    ({ admin } = await setupNurses(t, design(`workers-${name}`)));
  }, 120_000);

  afterAll(async () => {
    for (const w of workers) w.kill('SIGKILL');
    if (inline === undefined) delete process.env.DECK_WORKERS;
    else process.env.DECK_WORKERS = inline;
    await t?.close();
  });

  it('a worker killed with kill -9 mid-step loses nothing: another worker takes the hop over, one result, one follow-on', async () => {
    const a = await startWorker('a', t.db.url, redisUrl);
    workers.push(a);
    const root = (
      await admin.post<{ pid: number }>('/v1/processes', { service: 'visit', entity: { type: 'Customer', label: 'x' } })
    ).pid;
    const queue = t.app.get(QueueFactory).queue('deck-slow');
    // Worker a has the 3-second hop in hand …
    await expectEventually(async () => expect((await queue.getJobCounts('active')).active).toBe(1), 20_000);
    a.kill('SIGKILL');
    // … and dies; worker b takes the stalled hop over once its lock lapses.
    const b = await startWorker('b', t.db.url, redisUrl);
    workers.push(b);
    const crc = await expectEventually(async () => {
      const page = await admin.get<{
        items: { pid: number; service: string; state: string; parentPid: number | null }[];
      }>('/v1/processes?limit=50');
      const steps = page.items.filter((p) => p.parentPid === root);
      expect(steps.find((s) => s.service === 'crc')?.state).toBe('TERMINATED');
      expect(steps.filter((s) => s.service === 'review')).toHaveLength(1);
      return steps.find((s) => s.service === 'crc')!;
    }, 45_000);
    const events = await admin.get<{ action: string }[]>(`/v1/processes/${crc.pid}/events`);
    expect(events.filter((e) => e.action === 'stage.completed')).toHaveLength(1);
    const { run } = await admin.get<{ run: StageRunView }>(`/v1/processes/${crc.pid}/stages`);
    const sleeps = run.hops.filter((h) => h.step === 0 && h.outcome === 'completed');
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]!.worker.endsWith(`:${b.pid}`)).toBe(true);
    // A little later, still exactly one follow-on (no second result arrived).
    await new Promise((r) => setTimeout(r, 1500));
    const page = await admin.get<{ items: { service: string; parentPid: number | null }[] }>('/v1/processes?limit=50');
    expect(page.items.filter((p) => p.parentPid === root && p.service === 'review')).toHaveLength(1);
  }, 120_000);
});
