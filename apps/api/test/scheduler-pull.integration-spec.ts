import type { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type CreatedApp } from '../src/bootstrap/create-app';
import type { ApiClient } from '../src/journey/api-client';
import { cancelOpenTasks, getNext, openNurses, closeNurses, startTask } from './utils/scheduler';
import { startTestApp, type TestApp } from './utils/test-app';

/** Nurses work intake (priority 0) and urgent (priority 50) tasks from their lane; amy has capacity 2. */
const DESIGN = {
  schemaVersion: 1,
  name: 'scheduler-pull',
  services: [
    { key: 'intake', label: 'Intake', kind: 'manual', routeTo: 'nurse', manualStart: true },
    { key: 'urgent', label: 'Urgent', kind: 'manual', routeTo: 'nurse', manualStart: true, defaultPriority: 50 },
  ],
  roles: [{ key: 'nurse', label: 'Nurse', services: ['intake', 'urgent'] }],
  operators: [
    { key: 'amy', label: 'Amy', username: 'amy', roles: ['nurse'], staff: true, capacity: 2 },
    { key: 'bob', label: 'Bob', username: 'bob', roles: ['nurse'], staff: true },
  ],
};

type Next = {
  process: { pid: number; service: string; assignee: string | null; state: string; allowedActions: string[] };
  explanation: { mode: string; operator: string; lane: string; task: { pid: number; priority: number } };
};

describe('get-next over REST (real PostgreSQL)', () => {
  let t: TestApp;
  let admin: ApiClient;
  let amy: ApiClient;
  let bob: ApiClient;
  let db: Client;
  const start = (service: string) => startTask(admin, service);
  const next = (client: ApiClient, body: Record<string, unknown> = {}, baseUrl?: string) =>
    getNext<Next>(client, body, baseUrl);
  const drain = () => cancelOpenTasks(db, admin);

  beforeAll(async () => {
    t = await startTestApp();
    ({ admin, amy, bob, db } = await openNurses(t, DESIGN));
  });
  afterAll(async () => {
    await closeNurses(t, db);
  });

  it('hands out priority first, then the oldest; explains each; 204 when the lane is empty', async () => {
    await drain();
    const a1 = await start('intake');
    const a2 = await start('intake');
    const u = await start('urgent');
    const first = (await next(amy))!;
    expect(first.process).toMatchObject({ pid: u, assignee: 'amy', state: 'READY' });
    expect(first.process.allowedActions).toContain('start');
    expect(first.explanation).toMatchObject({
      mode: 'pull',
      operator: 'amy',
      lane: 'nurse|',
      task: { pid: u, priority: 50 },
    });
    expect((await next(bob, { start: true }))!.process).toMatchObject({ pid: a1, assignee: 'bob', state: 'RUNNING' });
    expect((await next(bob))!.process.pid).toBe(a2);
    expect(await next(bob)).toBeNull();
    // The explanation is stored with the assignment, and readable like the process.
    const why = await amy.get<{ pid: number; operator: string; explanation: { task: { pid: number } } }>(
      `/v1/processes/${u}/assignment-explanation`,
    );
    expect(why).toMatchObject({ pid: u, operator: 'amy', mode: 'pull', explanation: { task: { pid: u } } });
    const none = await admin.get(`/v1/processes/${await start('intake')}/assignment-explanation`).catch((e) => e);
    expect(none).toMatchObject({ status: 404, problem: { code: 'NO_EXPLANATION' } });
    // Invariants: no lane row of an assigned task; load = Σ weights of assigned live tasks.
    const stray = await db.query(
      `SELECT q.pid FROM ready_queue q JOIN processes p USING (pid) WHERE p.assignee IS NOT NULL OR p.state <> 'READY'`,
    );
    expect(stray.rows).toEqual([]);
    const loads = await db.query<{ operator: string; load: number; w: string }>(
      `SELECT s.operator, s.load, COALESCE((SELECT sum(weight) FROM processes p WHERE p.assignee = s.operator
              AND p.kind = 'task' AND p.state IN ('READY', 'RUNNING', 'WAITING')), 0) AS w
         FROM operator_state s WHERE s.operator IN ('amy', 'bob') ORDER BY 1`,
    );
    expect(loads.rows.map((r) => [r.operator, r.load, Number(r.w)])).toEqual([
      ['amy', 1, 1],
      ['bob', 2, 2],
    ]);
  });

  it('refuses at capacity (409 CAPACITY_FULL), previews without assigning, and puts an unclaimed task back first', async () => {
    await drain();
    const old = await start('intake');
    await start('intake');
    await start('intake');
    const preview = (await next(amy, { dryRun: true }))!;
    expect(preview.explanation.mode).toBe('preview');
    expect(preview.process.assignee).toBeNull();
    expect((await next(amy))!.process.pid).toBe(old);
    await next(amy);
    const full = await next(amy).catch((e: unknown) => e);
    expect(full).toMatchObject({ status: 409, problem: { code: 'CAPACITY_FULL' } });
    await amy.post(`/v1/processes/${old}/unclaim`);
    expect((await next(bob))!.process.pid).toBe(old);
  });

  it('100 simultaneous get-next calls across two API processes never hand out one task twice', async () => {
    await drain();
    const b: CreatedApp = await createApp({ databaseUrl: t.db.url, port: 0, seed: false });
    try {
      const pids = new Set<number>();
      for (let i = 0; i < 60; i++) pids.add(await start('intake'));
      const calls = Array.from({ length: 100 }, (_, i) => next(bob, {}, i % 2 === 0 ? t.url : b.url));
      const answers = (await Promise.all(calls)).filter((a) => a !== null);
      const handed = answers.map((a) => a!.process.pid);
      expect(handed.length).toBe(60);
      expect(new Set(handed).size).toBe(60);
      expect(new Set(handed)).toEqual(pids);
      const twice = await db.query(
        `SELECT pid FROM process_events WHERE action = 'assigned' AND pid = ANY($1::bigint[])
          GROUP BY pid HAVING count(*) > 1`,
        [[...pids]],
      );
      expect(twice.rows).toEqual([]);
    } finally {
      await b.close();
    }
  });

  it("an admin raises a task's urgency: it is re-ranked at once and audited; lanes and fairness weights are visible", async () => {
    await drain();
    const low = await start('intake');
    const high = await start('urgent');
    const raised = await admin.post<{ pid: number; urgency: number }>(`/v1/processes/${low}/urgency`, {
      set: 80,
      reason: 'customer escalated',
    });
    expect(raised).toMatchObject({ pid: low, urgency: 80 });
    const lanes = await admin.get<{ lane: string; depth: number; distribution: string }[]>('/v1/scheduler/lanes');
    expect(lanes).toEqual([expect.objectContaining({ lane: 'nurse|', role: 'nurse', depth: 2, distribution: 'pull' })]);
    expect((await next(bob))!.process.pid).toBe(low); // 0 + 80 beats 50
    expect((await next(bob))!.process.pid).toBe(high);
    const events = await admin.get<{ action: string; details: Record<string, unknown> }[]>(
      `/v1/processes/${low}/events`,
    );
    expect(events.find((e) => e.action === 'urgency.adjusted')).toMatchObject({
      details: { urgencyBefore: 0, urgencyAfter: 80, reason: 'customer escalated' },
    });
    const bad = await admin.post(`/v1/processes/${low}/urgency`, { by: 5, set: 5, reason: 'x' }).catch((e) => e);
    expect(bad).toMatchObject({ status: 422 });
    expect(await admin.put('/v1/fairness/tenant-a', { weight: 3 })).toEqual({ key: 'tenant-a', weight: 3 });
    expect(await admin.get('/v1/fairness')).toEqual([{ key: 'tenant-a', weight: 3 }]);
  });

  it('fairness over REST: two tenants with weights 3 : 1 and a backlog each are served 3 : 1 (±10 %)', async () => {
    await drain();
    await admin.put('/v1/fairness/big', { weight: 3 });
    await admin.put('/v1/fairness/small', { weight: 1 });
    const startFor = (fairnessKey: string) =>
      admin.post('/v1/processes', { service: 'intake', entity: { type: 'Customer', label: fairnessKey }, fairnessKey });
    // Both backlogs arrive together (interleaved), faster than one fairness quantum per task.
    await Promise.all(Array.from({ length: 60 }, (_, i) => startFor(i % 2 === 0 ? 'big' : 'small')));
    const served: string[] = [];
    for (let i = 0; i < 40; i++) {
      const got = await next(bob);
      const view = await admin.get<{ fairnessKey: string }>(`/v1/processes/${got!.process.pid}`);
      served.push(view.fairnessKey);
    }
    const big = served.filter((k) => k === 'big').length;
    expect(big / served.length).toBeGreaterThanOrEqual(0.75 - 0.1);
    expect(big / served.length).toBeLessThanOrEqual(0.75 + 0.1);
  });
});
