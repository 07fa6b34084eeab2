import { io, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../src/journey/api-client';
import type { LiveSlaMilestone, LiveTaskChange } from '@opkernel/contracts';
import { expectEventually } from './utils/expect-eventually';
import { failure, getNext, setupNurses, startTask } from './utils/scheduler';
import { startTestApp, type TestApp } from './utils/test-app';

// The manual clock moves only through POST /v1/test/clock: the tests set it to Monday 2027-01-04 09:00 UTC first.
process.env.OPKERNEL_CLOCK = 'manual';

const HOUR = 3_600_000;

const DESIGN = {
  schemaVersion: 1,
  name: 'scheduler-sla-actions',
  skills: [
    { key: 'laser', label: 'Laser' },
    { key: 'french', label: 'French' },
  ],
  services: [
    { key: 'review', label: 'Review', kind: 'manual', routeTo: 'nurse', manualStart: true, sla: 'escalate' },
    { key: 'handover', label: 'Handover', kind: 'manual', routeTo: 'nurse', manualStart: true, sla: 'hand' },
    { key: 'visit', label: 'Visit', kind: 'manual', routeTo: 'nurse', manualStart: true },
    {
      key: 'laser',
      label: 'Laser',
      kind: 'manual',
      routeTo: 'nurse',
      manualStart: true,
      skills: [
        { skill: 'laser', level: 3 },
        { skill: 'french', level: 1, additional: true, dropAfter: 'PT30M' },
      ],
    },
  ],
  slas: [
    {
      key: 'escalate',
      goal: 'PT1H',
      deadline: 'PT2H',
      actions: {
        goal: [{ kind: 'reassign', to: 'pool' }],
        deadline: [{ kind: 'notify', assignee: false, roles: ['lead', 'clerk'] }],
      },
    },
    { key: 'hand', goal: 'PT1H', actions: { goal: [{ kind: 'reassign', to: { operator: 'bob' }, force: true }] } },
  ],
  roles: [
    { key: 'nurse', label: 'Nurse', services: ['review', 'handover', 'laser', 'visit'] },
    { key: 'lead', label: 'Lead', services: ['review'] },
    { key: 'clerk', label: 'Clerk', services: [] },
  ],
  operators: [
    {
      key: 'amy',
      label: 'Amy',
      username: 'amy',
      roles: ['nurse'],
      staff: true,
      skills: [{ skill: 'laser', level: 3 }],
    },
    { key: 'bob', label: 'Bob', username: 'bob', roles: ['nurse'], staff: true },
    { key: 'cy', label: 'Cy', username: 'cy', roles: ['lead'], staff: true },
    { key: 'dee', label: 'Dee', username: 'dee', roles: ['clerk'], staff: true },
  ],
};

type Event = { action: string; actorKind: string | null; details: Record<string, unknown> };

describe('SLA actions and skills timeouts over REST and /live (OPKERNEL_CLOCK=manual, real PostgreSQL)', () => {
  let t: TestApp;
  let admin: ApiClient;
  let amy: ApiClient;
  let bob: ApiClient;
  const sockets: Socket[] = [];

  const advance = (advanceMs: number) => admin.post('/v1/test/clock', { advanceMs });
  const events = (pid: number) => admin.get<Event[]>(`/v1/processes/${pid}/events`);
  const view = (pid: number) =>
    admin.get<{ state: string; assignee: string | null; assigneeName: string | null; urgency: number }>(
      `/v1/processes/${pid}`,
    );

  /** A /live socket of `client` that records the `sla.milestone` and `task.changed` messages it gets. */
  const listen = async (client: ApiClient) => {
    const socket = io(`${t.url}/live`, {
      auth: { token: client.accessToken },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    sockets.push(socket);
    const milestones: LiveSlaMilestone[] = [];
    const changes: LiveTaskChange[] = [];
    socket.on('sla.milestone', (m: LiveSlaMilestone) => milestones.push(m));
    socket.on('task.changed', (c: LiveTaskChange) => changes.push(c));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    return { milestones, changes };
  };

  beforeAll(async () => {
    t = await startTestApp();
    ({ admin, amy, bob } = await setupNurses(t, DESIGN));
    await admin.post('/v1/test/clock', { set: '2027-01-04T09:00:00Z' });
  });
  afterEach(() => {
    for (const s of sockets.splice(0)) s.disconnect();
  });
  afterAll(async () => {
    await t?.close();
    delete process.env.OPKERNEL_CLOCK;
  });

  it('a goal that reassigns takes a claimed task back to the pool; the deadline notifies the lead role, not others', async () => {
    for (const key of ['cy', 'dee'])
      await admin.put(`/v1/operators/${key}/password`, { password: `${key}-password-1` });
    const cy = await ApiClient.login(t.url, 'cy', 'cy-password-1');
    const dee = await ApiClient.login(t.url, 'dee', 'dee-password-1');
    const monitor = await listen(admin);
    const lead = await listen(cy);
    const clerk = await listen(dee);

    const pid = await startTask(admin, 'review');
    await amy.post(`/v1/processes/${pid}/claim`, {});
    expect(await view(pid)).toMatchObject({ assignee: 'amy', assigneeName: 'Amy' });

    await advance(HOUR);
    expect(await view(pid)).toMatchObject({ state: 'READY', assignee: null, assigneeName: null });
    expect((await events(pid)).find((e) => e.action === 'reassigned')).toMatchObject({
      actorKind: 'timer',
      details: { by: 'sla', from: 'amy', to: 'pool' },
    });
    await expectEventually(() =>
      expect(monitor.milestones.find((m) => m.pid === pid && m.milestone === 'goal')).toMatchObject({
        sla: 'escalate',
        serviceLabel: 'Review',
        holder: 'amy',
        holderName: 'Amy',
        assignee: null,
        actions: ['reassign'],
        dueAt: '2027-01-04T10:00:00.000Z',
      }),
    );
    // Back in the pool: anyone of the role gets it next.
    expect((await getNext<{ process: { pid: number } }>(bob))?.process.pid).toBe(pid);
    await bob.post(`/v1/processes/${pid}/unclaim`, {});

    await advance(HOUR);
    await expectEventually(() =>
      expect(lead.milestones.find((m) => m.pid === pid && m.milestone === 'deadline')).toMatchObject({
        actions: ['notify'],
        urgencyAfter: 30,
      }),
    );
    expect(monitor.milestones.some((m) => m.pid === pid && m.milestone === 'deadline')).toBe(true);
    // The task change pushed with the milestone carries the SLA clock and the urgency.
    expect(monitor.changes.filter((c) => c.pid === pid).at(-1)).toMatchObject({
      urgency: 30,
      sla: { sla: 'escalate', breached: true, nextMilestone: null },
    });
    // The clerk role was notified too, but dee may not read the service: the read policy keeps it from her.
    // The goal (no notify) reached only the monitor.
    expect(clerk.milestones).toEqual([]);
    expect(lead.milestones.filter((m) => m.pid === pid).map((m) => m.milestone)).toEqual(['deadline']);
    await admin.post(`/v1/processes/${pid}/cancel`, { reason: 'test done' });
  });

  it('a forced reassignment to an operator takes a started task from its holder, with an escalation explanation', async () => {
    const pid = await startTask(admin, 'handover');
    await amy.post(`/v1/processes/${pid}/start`, {});
    expect(await view(pid)).toMatchObject({ state: 'RUNNING', assignee: 'amy' });
    await advance(HOUR);
    expect(await view(pid)).toMatchObject({ state: 'READY', assignee: 'bob', assigneeName: 'Bob' });
    // The task's weight moved from amy's load to bob's.
    const load = async (key: string) => (await admin.get<{ load: number }>(`/v1/operators/${key}/availability`)).load;
    expect([await load('amy'), await load('bob')]).toEqual([0, 1]);
    const why = await admin.get<{ explanation: { mode: string; operator: string } }>(
      `/v1/processes/${pid}/assignment-explanation`,
    );
    expect(why.explanation).toMatchObject({ mode: 'escalation', operator: 'bob' });
    expect((await events(pid)).map((e) => e.action)).toEqual(expect.arrayContaining(['sla.goal', 'reassigned']));
    await admin.post(`/v1/processes/${pid}/cancel`, { reason: 'test done' });
  });

  it('an additional skill drops after its dropAfter: the task moves to the relaxed lane and a nurse without it gets it', async () => {
    const pid = await startTask(admin, 'laser');
    // amy has laser 3 but no French: not her lane yet, and a claim names the missing skill.
    expect(await getNext(amy)).toBeNull();
    expect(await failure(amy.post(`/v1/processes/${pid}/claim`, {}))).toMatchObject({
      status: 403,
      problem: { code: 'FORBIDDEN', details: { skill: 'french', required: 1, level: 0 } },
    });
    await advance(30 * 60_000);
    expect((await events(pid)).find((e) => e.action === 'skills.relaxed')).toMatchObject({
      actorKind: 'timer',
      details: { dropped: ['french'] },
    });
    expect((await getNext<{ process: { pid: number } }>(amy))?.process.pid).toBe(pid);
    // bob has no laser at all: the relaxed lane still needs it.
    await amy.post(`/v1/processes/${pid}/unclaim`, {});
    expect(await getNext(bob)).toBeNull();
  });

  it('an appointment is not handed out before its time (get-next), but a claim by hand takes it', async () => {
    const now = (await admin.get<{ now: string }>('/v1/test/clock')).now;
    const at = new Date(Date.parse(now) + HOUR).toISOString();
    const book = async () =>
      (
        await admin.post<{ pid: number }>('/v1/processes', {
          service: 'visit',
          entity: { type: 'Customer', label: 'appointment' },
          scheduledAt: at,
        })
      ).pid;
    const first = await book();
    const second = await book();
    expect(await getNext(bob)).toBeNull();
    await amy.post(`/v1/processes/${second}/claim`, {});
    expect(await view(second)).toMatchObject({ assignee: 'amy' });
    await advance(HOUR);
    expect((await events(first)).some((e) => e.action === 'scheduled.due')).toBe(true);
    expect((await getNext<{ process: { pid: number } }>(bob))?.process.pid).toBe(first);
    for (const pid of [first, second]) await admin.post(`/v1/processes/${pid}/cancel`, { reason: 'test done' });
  });
});
