import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../src/journey/api-client';
import { expectEventually } from './utils/expect-eventually';
import { setupNurses, startTask } from './utils/scheduler';
import { startTestApp, type TestApp } from './utils/test-app';

/** Nurses' work is pushed (most capacity): amy has room for 1, bob for 2. */
const DESIGN = {
  schemaVersion: 1,
  name: 'scheduler-push',
  services: [{ key: 'intake', label: 'Intake', kind: 'manual', routeTo: 'nurse', manualStart: true }],
  roles: [{ key: 'nurse', label: 'Nurse', services: ['intake'], scheduler: { distribution: 'push' } }],
  operators: [
    { key: 'amy', label: 'Amy', username: 'amy', roles: ['nurse'], staff: true, capacity: 1 },
    { key: 'bob', label: 'Bob', username: 'bob', roles: ['nurse'], staff: true, capacity: 2 },
  ],
};

type Task = { pid: number; assignee: string | null };

describe('push distribution over REST (real PostgreSQL)', () => {
  let t: TestApp;
  let admin: ApiClient;
  let amy: ApiClient;
  let bob: ApiClient;
  beforeAll(async () => {
    t = await startTestApp();
    ({ admin, amy, bob } = await setupNurses(t, DESIGN));
  });
  afterAll(async () => {
    await t?.close();
  });
  const assignee = async (pid: number) => (await admin.get<Task>(`/v1/processes/${pid}`)).assignee;

  it('pushes new work to the operator with most room, holds it while everyone is full or away, offers it when room frees', async () => {
    const first = await startTask(admin, 'intake');
    await expectEventually(async () => expect(await assignee(first)).toBe('bob'));
    const why = await admin.get<{ mode: string; explanation: { operatorRanking: { operator: string }[] } }>(
      `/v1/processes/${first}/assignment-explanation`,
    );
    expect(why.mode).toBe('push');
    expect(why.explanation.operatorRanking.map((r) => r.operator)).toEqual(['bob', 'amy']);
    // Other operators' load is for admins: amy may read the task and its explanation, not the ranking.
    const asAmy = await amy.get<{ explanation: Record<string, unknown> }>(
      `/v1/processes/${first}/assignment-explanation`,
    );
    expect(asAmy.explanation.operatorRanking).toBeUndefined();
    expect(asAmy.explanation.mode).toBe('push');
    const events = await admin.get<{ action: string; actor: string; actorKind: string }[]>(
      `/v1/processes/${first}/events`,
    );
    expect(events.find((e) => e.action === 'assigned')).toMatchObject({ actor: 'scheduler', actorKind: 'scheduler' });

    // amy is away: the next task goes to bob (1 of 2 free); the third waits (amy away, bob full).
    await amy.put('/v1/me/presence', { status: 'away' });
    const second = await startTask(admin, 'intake');
    await expectEventually(async () => expect(await assignee(second)).toBe('bob'));
    const third = await startTask(admin, 'intake');
    await new Promise((r) => setTimeout(r, 300));
    expect(await assignee(third)).toBeNull();
    // amy comes back: she is offered the waiting task at once.
    await amy.put('/v1/me/presence', { status: 'available' });
    expect(await assignee(third)).toBe('amy');

    // Everyone full: a fourth waits; bob completing one frees room and it is offered to him.
    const fourth = await startTask(admin, 'intake');
    await new Promise((r) => setTimeout(r, 300));
    expect(await assignee(fourth)).toBeNull();
    await bob.post(`/v1/processes/${first}/complete`, { form: {} });
    await expectEventually(async () => expect(await assignee(fourth)).toBe('bob'));
  });
});
