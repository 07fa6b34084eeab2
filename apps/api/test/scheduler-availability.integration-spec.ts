import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../src/journey/api-client';
import { failure, getNext, setupNurses, startTask } from './utils/scheduler';
import { startTestApp, type TestApp } from './utils/test-app';

// The manual clock moves only through POST /v1/test/clock: the tests set it to Monday 2027-01-04 09:00 UTC first.
process.env.OPKERNEL_CLOCK = 'manual';

const DESIGN = {
  schemaVersion: 1,
  name: 'scheduler-availability',
  skills: [{ key: 'laser', label: 'Laser' }],
  calendars: [{ key: 'day', tz: 'UTC', attendances: [{ days: [1, 2, 3, 4, 5], from: '09:00', to: '17:00' }] }],
  services: [
    { key: 'intake', label: 'Intake', kind: 'manual', routeTo: 'nurse', manualStart: true },
    { key: 'urgent', label: 'Urgent', kind: 'manual', routeTo: 'nurse', manualStart: true, defaultPriority: 50 },
    { key: 'triage', label: 'Triage', kind: 'manual', routeTo: 'nurse', manualStart: true, sla: 'fast' },
    {
      key: 'laser',
      label: 'Laser',
      kind: 'manual',
      routeTo: 'nurse',
      manualStart: true,
      skills: [{ skill: 'laser', level: 3 }],
    },
  ],
  slas: [{ key: 'fast', goal: 'PT1H', deadline: 'PT2H', urgency: { goal: 60 } }],
  roles: [{ key: 'nurse', label: 'Nurse', services: ['intake', 'laser', 'urgent', 'triage'] }],
  operators: [
    {
      key: 'amy',
      label: 'Amy',
      username: 'amy',
      roles: ['nurse'],
      staff: true,
      calendar: 'day',
      skills: [{ skill: 'laser', level: 2 }],
    },
    { key: 'bob', label: 'Bob', username: 'bob', roles: ['nurse'], staff: true, capacity: 1 },
  ],
};

type Availability = {
  presence: string;
  onShift: boolean;
  shiftEndsAt: string | null;
  nextShiftAt: string | null;
  load: number;
  capacity: number | null;
  lanes: string[];
};

describe('availability, skills and capacity over REST (OPKERNEL_CLOCK=manual, real PostgreSQL)', () => {
  let t: TestApp;
  let admin: ApiClient;
  let amy: ApiClient;
  let bob: ApiClient;
  const start = (service: string) => startTask(admin, service);
  const next = async (client: ApiClient) => (await getNext<{ process: { pid: number } }>(client))?.process.pid ?? null;

  beforeAll(async () => {
    t = await startTestApp();
    ({ admin, amy, bob } = await setupNurses(t, DESIGN));
    await admin.post('/v1/test/clock', { set: '2027-01-04T09:00:00Z' });
  });
  afterAll(async () => {
    await t?.close();
    delete process.env.OPKERNEL_CLOCK;
  });

  it('shows my shift, load, capacity and lanes; away means no work', async () => {
    expect(await amy.get<Availability>('/v1/me/availability')).toMatchObject({
      presence: 'available',
      onShift: true,
      shiftEndsAt: '2027-01-04T17:00:00.000Z',
      nextShiftAt: null,
      load: 0,
      capacity: null,
      lanes: ['nurse|'],
    });
    await start('intake');
    expect(await amy.put<Availability>('/v1/me/presence', { status: 'away' })).toMatchObject({ presence: 'away' });
    expect(await failure(next(amy))).toMatchObject({
      status: 409,
      problem: { code: 'NOT_AVAILABLE', details: { reason: 'presence' } },
    });
    await amy.put('/v1/me/presence', { status: 'available' });
    expect(await next(amy)).not.toBeNull();
    expect((await failure(amy.put('/v1/me/presence', { status: 'asleep' })))?.status).toBe(422);
  });

  it('a task needing a skill waits for someone who has it; a claim without it names the skill; an admin grants it', async () => {
    const laser = await start('laser');
    expect(await next(amy)).toBeNull();
    expect(await failure(amy.post(`/v1/processes/${laser}/claim`))).toMatchObject({
      status: 403,
      problem: { code: 'FORBIDDEN', details: { skill: 'laser', required: 3, level: 2 } },
    });
    const bad = await failure(admin.put('/v1/operators/amy/skills', [{ skill: 'welding', level: 3 }]));
    expect(bad).toMatchObject({ status: 422, problem: { errors: [{ field: '[0].skill' }] } });
    expect((await failure(admin.put('/v1/operators/nobody/skills', [])))?.status).toBe(404);
    expect((await failure(amy.put('/v1/operators/amy/skills', [{ skill: 'laser', level: 5 }])))?.status).toBe(403);
    const granted = await admin.put<Availability>('/v1/operators/amy/skills', [{ skill: 'laser', level: 3 }]);
    expect(granted.lanes).toEqual(['nurse|', 'nurse|laser>=3']);
    expect(await next(amy)).toBe(laser);
    const why = await amy.get<{ explanation: { skills: unknown[] } }>(`/v1/processes/${laser}/assignment-explanation`);
    expect(why.explanation.skills).toEqual([{ skill: 'laser', required: 3, level: 3, met: true }]);
  });

  it('capacity: a full operator is refused until an admin raises it', async () => {
    await start('intake');
    await start('intake');
    expect(await next(bob)).not.toBeNull();
    expect(await failure(next(bob))).toMatchObject({ status: 409, problem: { code: 'CAPACITY_FULL' } });
    expect(await admin.get<Availability>('/v1/operators/bob/availability')).toMatchObject({ load: 1, capacity: 1 });
    await admin.put('/v1/operators/bob/capacity', { capacity: null });
    expect(await next(bob)).not.toBeNull();
  });

  it("an SLA goal that falls due raises the task's urgency, is audited, and puts it first for get-next", async () => {
    const triage = await start('triage');
    await start('urgent');
    type Row = { pid: number; effectivePoints: number | null; sla: Record<string, unknown> | null };
    const pool = () => admin.get<Row[]>('/v1/tasks/pool');
    // The list row carries the clock, its goal and deadline projected (09:00 + 1 h / 2 h, the SLA's 24x7 calendar).
    expect((await pool()).find((r) => r.pid === triage)).toMatchObject({
      sla: {
        status: 'running',
        nextMilestone: 'goal',
        goalAt: '2027-01-04T10:00:00.000Z',
        deadlineAt: '2027-01-04T11:00:00.000Z',
        goalMs: 3_600_000,
        deadlineMs: 7_200_000,
      },
    });
    const moved = await t.request('POST', '/v1/test/clock', {
      token: admin.accessToken!,
      body: { advanceMs: 3_600_000 },
    });
    expect(((await moved.json()) as { fired: number }).fired).toBeGreaterThanOrEqual(1);
    const events = await admin.get<{ action: string; actorKind: string | null; details: Record<string, unknown> }[]>(
      `/v1/processes/${triage}/events`,
    );
    expect(events.find((e) => e.action === 'sla.goal')).toMatchObject({
      actorKind: 'timer',
      details: { sla: 'fast', urgencyBefore: 0, urgencyAfter: 60 },
    });
    const detail = await admin.get<{ urgency: number; sla: Record<string, unknown> | null }>(`/v1/processes/${triage}`);
    expect(detail).toMatchObject({
      urgency: 60,
      sla: { sla: 'fast', status: 'running', nextMilestone: 'deadline', passedCount: 0, breached: false },
    });
    const row = (await pool()).find((r) => r.pid === triage)!;
    expect(row.sla).toMatchObject({ goalAt: null, nextMilestone: 'deadline' });
    // 0 priority + 60 urgency + an hour of aging (60 points an hour by default).
    expect(row.effectivePoints).toBeGreaterThanOrEqual(119);
    // urgent has priority 50; triage 0 + urgency 60 (both waited as long): triage goes first.
    const answer = await getNext<{ process: { pid: number; assigneeName: string; sla: unknown } }>(bob);
    expect(answer?.process).toMatchObject({
      pid: triage,
      assigneeName: 'Bob',
      sla: { sla: 'fast', deadlineAt: '2027-01-04T11:00:00.000Z' },
    });
    expect(await next(bob)).not.toBeNull();
  });

  it('off shift: no work after hours, and the next shift is named', async () => {
    await start('intake');
    const res = await t.request('POST', '/v1/test/clock', {
      token: admin.accessToken!,
      body: { set: '2027-01-04T18:00:00Z' },
    });
    expect(res.status).toBe(200);
    expect(await failure(next(amy))).toMatchObject({
      status: 409,
      problem: { code: 'NOT_AVAILABLE', details: { reason: 'off_shift' } },
    });
    expect(await amy.get<Availability>('/v1/me/availability')).toMatchObject({
      onShift: false,
      nextShiftAt: '2027-01-05T09:00:00.000Z',
    });
    expect(await failure(admin.put('/v1/operators/amy/calendar', { calendar: 'night' }))).toMatchObject({
      status: 422,
      problem: { errors: [{ field: 'calendar' }] },
    });
    await admin.put('/v1/operators/amy/calendar', { calendar: null });
    expect(await next(amy)).not.toBeNull();
  });
});
