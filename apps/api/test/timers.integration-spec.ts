import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedApiToken } from '@opkernel/contracts';
import { setupClinic, type ProcessDto } from './utils/clinic';
import { startTestApp, type TestApp } from './utils/test-app';

// The manual clock: only POST /v1/test/clock moves the API's time (read once when the app boots).
process.env.OPKERNEL_CLOCK = 'manual';

type ClockView = { now: string; epochMs: number; fired?: number };

/** Asserts a problem+json answer with `status` whose `errors[]` name `field`. */
async function expectProblem(res: Response, status: number, { field }: { field: string }): Promise<void> {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
  const body = (await res.json()) as { errors?: { field: string }[] };
  expect(body.errors?.map((e) => e.field)).toContain(field);
}
const HOUR = 3_600_000;

describe('timers, the test clock and actor kinds (OPKERNEL_CLOCK=manual, real PostgreSQL)', () => {
  let t: TestApp;
  let c: Awaited<ReturnType<typeof setupClinic>>;
  let db: DataSource;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp();
    c = await setupClinic(t.url);
    db = t.app.get(DataSource);
    admin = c.admin.accessToken!;
  });
  afterAll(async () => {
    await t?.close();
    delete process.env.OPKERNEL_CLOCK;
  });

  const clock = async (): Promise<ClockView> =>
    (await (await t.request('GET', '/v1/test/clock', { token: admin })).json()) as ClockView;
  const move = async (body: unknown, token = admin) => t.request('POST', '/v1/test/clock', { token, body });
  const start = async (label: string, deadline: number, token = c.fang.client.accessToken!) => {
    const res = await t.request('POST', '/v1/processes', {
      token,
      body: { service: 'ke_hu_fu_wu', entity: { type: 'Operator', label }, deadline: new Date(deadline).toISOString() },
    });
    expect(res.status).toBe(201);
    return (await res.json()) as ProcessDto;
  };
  const passed = async (pid: number) =>
    db.query<{ actor: string; actor_kind: string; details: unknown }[]>(
      `SELECT actor, actor_kind, details FROM process_events WHERE pid = $1 AND action = 'deadline.passed'`,
      [pid],
    );

  it('a deadline becomes a timer that fires once when the clock passes it, even with sweeps racing', async () => {
    const now = (await clock()).epochMs;
    const journey = await start('timer one', now + HOUR);
    const [timer] = await db.query<{ key: string; due_at: Date }[]>('SELECT key, due_at FROM timers WHERE pid = $1', [
      journey.pid,
    ]);
    expect(timer).toEqual({ key: `deadline:${journey.pid}`, due_at: new Date(now + HOUR) });

    const early = (await (await move({ advanceMs: HOUR / 2 })).json()) as ClockView;
    expect(early).toMatchObject({ epochMs: now + HOUR / 2, fired: 0 });
    expect(await passed(journey.pid)).toEqual([]);

    // Two moves at once: both sweep, the timer fires in exactly one of them.
    const answers = await Promise.all([move({ advanceMs: HOUR }), move({ advanceMs: 1 })]);
    const fired = await Promise.all(answers.map(async (r) => ((await r.json()) as ClockView).fired ?? 0));
    expect(fired.reduce((a, b) => a + b, 0)).toBe(1);
    expect(await passed(journey.pid)).toEqual([
      { actor: 'timer', actor_kind: 'timer', details: { deadline: new Date(now + HOUR).toISOString() } },
    ]);
    expect(await db.query('SELECT 1 FROM timers WHERE pid = $1', [journey.pid])).toEqual([]);
    expect(((await (await move({ advanceMs: HOUR })).json()) as ClockView).fired).toBe(0);
  });

  it('a cancelled journey cancels its timer: nothing fires later', async () => {
    const now = (await clock()).epochMs;
    const journey = await start('timer two', now + HOUR);
    expect(await db.query('SELECT 1 FROM timers WHERE pid = $1', [journey.pid])).toHaveLength(1);
    const cancelled = await t.request('POST', `/v1/processes/${journey.pid}/cancel`, {
      token: admin,
      body: { reason: 'no longer needed' },
    });
    expect(cancelled.status).toBe(200);
    expect(await db.query('SELECT 1 FROM timers WHERE pid = $1', [journey.pid])).toEqual([]);
    await move({ advanceMs: 2 * HOUR });
    expect(await passed(journey.pid)).toEqual([]);
  });

  it('audits which kind of actor did it: a person (operator) or an API token (integration)', async () => {
    const created = (await (
      await t.request('POST', '/v1/api-tokens', { token: admin, body: { name: 'ERP', scopes: ['processes:write'] } })
    ).json()) as CreatedApiToken;
    const now = (await clock()).epochMs;
    const byPerson = await start('by a person', now + HOUR);
    const byToken = await start('by a token', now + HOUR, created.token);
    const kinds = async (pid: number) =>
      db.query<{ actor: string | null; actor_kind: string | null }[]>(
        `SELECT actor, actor_kind FROM process_events WHERE pid = $1 AND action = 'created'`,
        [pid],
      );
    expect(await kinds(byPerson.pid)).toEqual([{ actor: c.fang.key, actor_kind: 'operator' }]);
    expect(await kinds(byToken.pid)).toEqual([
      { actor: expect.stringMatching(/^integration:/), actor_kind: 'integration' },
    ]);
    // Rows of the rules a command fired are the kernel's own.
    const ruleRows = await db.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM process_events WHERE actor IS NULL AND actor_kind IS NOT NULL`,
    );
    expect(ruleRows[0]!.n).toBe(0);
    // The hash chains (which cover the actor kind) still verify.
    const verify = (await (await t.request('GET', '/v1/audit/verify', { token: admin })).json()) as { ok: boolean };
    expect(verify.ok).toBe(true);
  });

  it('the test clock is for administrators, only goes forward, and names the bad field', async () => {
    expect((await t.request('GET', '/v1/test/clock', { token: c.fang.client.accessToken! })).status).toBe(403);
    const now = (await clock()).epochMs;
    await expectProblem(await move({ set: new Date(now - 1000).toISOString() }), 422, { field: 'set' });
    await expectProblem(await move({ advanceMs: -5 }), 422, { field: 'advanceMs' });
    const set = (await (await move({ set: now + 5 * HOUR })).json()) as ClockView;
    expect(set.epochMs).toBe(now + 5 * HOUR);
  });
});
