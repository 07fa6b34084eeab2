import type { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../src/journey/api-client';
import { expectEventually } from './utils/expect-eventually';
import { cancelOpenTasks, getNext, openNurses, closeNurses, startTask } from './utils/scheduler';
import { startTestApp, type TestApp } from './utils/test-app';

// The manual clock moves only through POST /v1/test/clock (and only forward): each test sets its own later time,
// from Monday 2027-01-04 on (UTC).
process.env.OPKERNEL_CLOCK = 'manual';

/**
 * Claims have an SLA on office hours (Mon–Fri 09:00–17:00 UTC): goal 2 business hours, deadline 8. Waiting
 * tasks age at 600 points an hour. Desk calls are pushed to whoever was assigned longest ago.
 */
const DESIGN = {
  schemaVersion: 1,
  name: 'scheduler-sla',
  scheduler: { agingPointsPerHour: 600 },
  calendars: [{ key: 'office', tz: 'UTC', attendances: [{ days: [1, 2, 3, 4, 5], from: '09:00', to: '17:00' }] }],
  slas: [{ key: 'biz', calendar: 'office', goal: 'PT2H', deadline: 'PT8H', urgency: { goal: 30 } }],
  services: [
    { key: 'claim', label: 'Claim', kind: 'manual', routeTo: 'nurse', manualStart: true, sla: 'biz' },
    { key: 'low', label: 'Low', kind: 'manual', routeTo: 'nurse', manualStart: true },
    { key: 'high', label: 'High', kind: 'manual', routeTo: 'nurse', manualStart: true, defaultPriority: 100 },
    { key: 'call', label: 'Call', kind: 'manual', routeTo: 'desk', manualStart: true },
  ],
  roles: [
    { key: 'nurse', label: 'Nurse', services: ['claim', 'low', 'high'] },
    { key: 'desk', label: 'Desk', services: ['call'], scheduler: { distribution: 'push', assignBy: 'last_assigned' } },
  ],
  operators: [
    { key: 'amy', label: 'Amy', username: 'amy', roles: ['nurse', 'desk'], staff: true },
    { key: 'bob', label: 'Bob', username: 'bob', roles: ['nurse', 'desk'], staff: true },
  ],
};

type Sla = {
  sla: string;
  status: string;
  elapsedBusinessMs: number;
  nextMilestone: string | null;
  nextDueAt: string | null;
  goalAt: string | null;
  deadlineAt: string | null;
};
type Process = { pid: number; state: string; assignee: string | null; urgency: number; sla: Sla | null };
type Next = { process: { pid: number }; explanation: { task: { agingPoints: number; effectivePoints: number } } };

const HOUR = 3_600_000;

describe('SLA clocks, aging and push over REST (OPKERNEL_CLOCK=manual, real PostgreSQL)', () => {
  let t: TestApp;
  let admin: ApiClient;
  let amy: ApiClient;
  let bob: ApiClient;
  let db: Client;
  const setClock = (at: string) => admin.post('/v1/test/clock', { set: at });
  const advance = (ms: number) => admin.post<{ fired: number }>('/v1/test/clock', { advanceMs: ms });
  const proc = (pid: number) => admin.get<Process>(`/v1/processes/${pid}`);
  const goals = async (pid: number) =>
    (await admin.get<{ action: string }[]>(`/v1/processes/${pid}/events`)).filter((e) => e.action === 'sla.goal');
  /** Waits until the scheduler's after-commit work (push dispatches and offers) has been delivered. */
  const settled = () =>
    expectEventually(async () => {
      const pending = await db.query(
        `SELECT count(*)::int AS n FROM outbox WHERE topic LIKE 'scheduler.%' AND dispatched_at IS NULL`,
      );
      expect(pending.rows[0].n).toBe(0);
    });

  beforeAll(async () => {
    t = await startTestApp();
    ({ admin, amy, bob, db } = await openNurses(t, DESIGN));
  });
  afterAll(async () => {
    await closeNurses(t, db);
    delete process.env.OPKERNEL_CLOCK;
  });

  it('push by last assigned: work alternates, skips whoever is away, and waits for someone to become available', async () => {
    await setClock('2027-01-04T07:00:00Z');
    const pushed = async () => {
      const pid = await startTask(admin, 'call');
      await settled();
      const who = (await proc(pid)).assignee;
      await advance(60_000); // assignments a minute apart: last_assigned_at tells them apart
      return who;
    };
    // Nobody assigned yet: the tie goes by key; then whoever was assigned longest ago.
    expect(await pushed()).toBe('amy');
    expect(await pushed()).toBe('bob');
    expect(await pushed()).toBe('amy');
    // bob is next in line but away: amy gets it again.
    await bob.put('/v1/me/presence', { status: 'away' });
    expect(await pushed()).toBe('amy');
    await bob.put('/v1/me/presence', { status: 'available' });
    expect(await pushed()).toBe('bob');
    const why = await admin.get<{ mode: string; explanation: { operatorRanking: { operator: string }[] } }>(
      `/v1/processes/${(await db.query(`SELECT max(pid) AS pid FROM processes WHERE service = 'call'`)).rows[0].pid}/assignment-explanation`,
    );
    expect(why.mode).toBe('push');
    expect(why.explanation.operatorRanking.map((r) => r.operator)).toEqual(['bob', 'amy']);
    // Everyone away: the call waits in its lane; the first to become available is offered it.
    await amy.put('/v1/me/presence', { status: 'away' });
    await bob.put('/v1/me/presence', { status: 'away' });
    const waiting = await startTask(admin, 'call');
    await settled();
    expect(await proc(waiting)).toMatchObject({ state: 'READY', assignee: null });
    await bob.put('/v1/me/presence', { status: 'available' });
    await expectEventually(async () => expect((await proc(waiting)).assignee).toBe('bob'));
    await amy.put('/v1/me/presence', { status: 'available' });
  });

  it('an SLA on a business calendar pauses while SUSPENDED and fires later by the business time it counted', async () => {
    await cancelOpenTasks(db, admin);
    await setClock('2027-01-04T09:00:00Z');
    const claim = await startTask(admin, 'claim');
    expect((await proc(claim)).sla).toMatchObject({
      sla: 'biz',
      status: 'running',
      nextMilestone: 'goal',
      nextDueAt: '2027-01-04T11:00:00.000Z',
      goalAt: '2027-01-04T11:00:00.000Z',
      deadlineAt: '2027-01-04T17:00:00.000Z',
    });
    expect((await getNext<Next>(amy))!.process.pid).toBe(claim);
    await setClock('2027-01-04T10:00:00Z');
    await amy.post(`/v1/processes/${claim}/suspend`, { reason: 'waiting for the customer' });
    expect(await proc(claim)).toMatchObject({
      state: 'SUSPENDED',
      sla: { status: 'paused', elapsedBusinessMs: HOUR, nextDueAt: null },
    });
    // Far past the goal's original time: nothing fires while the clock is paused.
    await setClock('2027-01-04T16:30:00Z');
    expect(await goals(claim)).toEqual([]);
    expect((await proc(claim)).urgency).toBe(0);
    // Resumed at 16:30 with 1 business hour to the goal: 30 minutes today, 30 from Tuesday 09:00.
    await amy.post(`/v1/processes/${claim}/resume`);
    expect((await proc(claim)).sla).toMatchObject({
      status: 'running',
      nextMilestone: 'goal',
      nextDueAt: '2027-01-05T09:30:00.000Z',
    });
    await setClock('2027-01-05T09:29:00Z');
    expect(await goals(claim)).toEqual([]);
    await advance(60_000);
    await expectEventually(async () => expect(await goals(claim)).toHaveLength(1));
    expect(await proc(claim)).toMatchObject({
      urgency: 30,
      sla: { status: 'running', nextMilestone: 'deadline', elapsedBusinessMs: 2 * HOUR },
    });
    // The deadline: 8 business hours in all, 6 left from Tuesday 09:30.
    expect((await proc(claim)).sla?.nextDueAt).toBe('2027-01-05T15:30:00.000Z');
  });

  it('aging ends starvation: an old low-priority task beats newer high-priority ones once it has waited long enough', async () => {
    await cancelOpenTasks(db, admin);
    await setClock('2027-01-06T09:00:00Z');
    const low = await startTask(admin, 'low');
    await advance(1_000);
    const high1 = await startTask(admin, 'high');
    // Priority 100 against 0 + a second of aging: the new high-priority task goes first.
    expect((await getNext<Next>(bob))!.process.pid).toBe(high1);
    // Half an hour at 600 points an hour: the low task has 300 points, a new one 100.
    await advance(HOUR / 2);
    const high2 = await startTask(admin, 'high');
    const got = (await getNext<Next>(bob))!;
    expect(got.process.pid).toBe(low);
    expect(got.explanation.task.agingPoints).toBeCloseTo(300, 0);
    expect(got.explanation.task.effectivePoints).toBeGreaterThan(100);
    expect((await getNext<Next>(bob))!.process.pid).toBe(high2);
  });

  it("SLA clocks count on the calendar as changed over REST; the SLA's calendar cannot be deleted", async () => {
    await cancelOpenTasks(db, admin);
    await setClock('2027-01-07T09:00:00Z');
    expect((await admin.get<{ usedBy: unknown }>('/v1/calendars/office')).usedBy).toEqual({
      operators: [],
      resources: [],
      slas: ['biz'],
    });
    expect(await admin.request('DELETE', '/v1/calendars/office').catch((e: unknown) => e)).toMatchObject({
      status: 409,
      problem: { code: 'CALENDAR_IN_USE', usedBy: { slas: ['biz'] } },
    });
    // The office now opens one hour a day: a new claim's 2 business hours end on Friday at 10:00.
    await admin.put('/v1/calendars/office', {
      timeZone: 'UTC',
      attendances: [{ days: [1, 2, 3, 4, 5], from: '09:00', to: '10:00' }],
    });
    const claim = await startTask(admin, 'claim');
    expect((await proc(claim)).sla).toMatchObject({
      status: 'running',
      nextDueAt: '2027-01-08T10:00:00.000Z',
      goalAt: '2027-01-08T10:00:00.000Z',
    });
  });
});
