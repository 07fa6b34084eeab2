import type { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/bootstrap/create-app';
import type { ApiClient } from '../src/journey/api-client';
import { expectEventually } from './utils/expect-eventually';
import { cancelOpenTasks, failure, getNext, openNurses, closeNurses, startTask } from './utils/scheduler';
import { startTestApp, type TestApp } from './utils/test-app';

// The manual clock moves only through POST /v1/test/clock (and only forward): each test sets its own later time,
// from Monday 2027-01-04 on (UTC).
process.env.OPKERNEL_CLOCK = 'manual';

/**
 * amy works days (Mon–Fri 09:00–17:00 UTC), bob around the clock. The treatment room opens 10:00–12:00 on
 * weekdays; a laser session needs the room and the laser machine for 30 minutes, a consult only the room.
 */
const DESIGN = {
  schemaVersion: 1,
  name: 'scheduler-calendars',
  calendars: [
    { key: 'day', label: 'Day shift', tz: 'UTC', attendances: [{ days: [1, 2, 3, 4, 5], from: '09:00', to: '17:00' }] },
    { key: 'clinic', tz: 'UTC', attendances: [{ days: [1, 2, 3, 4, 5], from: '10:00', to: '12:00' }] },
  ],
  resourceTypes: [
    { key: 'room', label: 'Room', usage: 'tdm' },
    { key: 'machine', label: 'Machine', usage: 'tdm' },
  ],
  resources: [
    { key: 'room-a', label: 'Room A', type: 'room', capacity: 1, calendar: 'clinic' },
    { key: 'laser-1', label: 'Laser 1', type: 'machine', capacity: 1 },
  ],
  services: [
    { key: 'intake', label: 'Intake', kind: 'manual', routeTo: 'nurse', manualStart: true },
    {
      key: 'consult',
      label: 'Consult',
      kind: 'manual',
      routeTo: 'nurse',
      manualStart: true,
      expectedDuration: 'PT30M',
      resourceRequirements: [{ resourceType: 'room', quantity: 1 }],
    },
    {
      key: 'laser',
      label: 'Laser',
      kind: 'manual',
      routeTo: 'nurse',
      manualStart: true,
      expectedDuration: 'PT30M',
      resourceRequirements: [
        { resourceType: 'room', quantity: 1 },
        { resourceType: 'machine', quantity: 1 },
      ],
    },
  ],
  roles: [{ key: 'nurse', label: 'Nurse', services: ['intake', 'consult', 'laser'] }],
  operators: [
    { key: 'amy', label: 'Amy', username: 'amy', roles: ['nurse'], staff: true, calendar: 'day' },
    { key: 'bob', label: 'Bob', username: 'bob', roles: ['nurse'], staff: true },
  ],
};

type Calendar = {
  key: string;
  label: string | null;
  timeZone: string;
  attendances: { days: number[]; from: string; to: string }[];
  holidays: string[];
  leaves: { id: number; operator: string | null; resource: string | null; from: string; to: string; source: string }[];
  usedBy: { operators: string[]; resources: string[]; slas: string[] };
};
type Process = { state: string; assignee: string | null; waitReason: string | null; waitUntil: string | null };
type Next = { process: { pid: number }; explanation: { resources: { resource: string; type: string }[] } };

const WEEKDAYS = [1, 2, 3, 4, 5];

describe('calendars over REST drive the scheduler (OPKERNEL_CLOCK=manual, real PostgreSQL)', () => {
  let t: TestApp;
  let admin: ApiClient;
  let amy: ApiClient;
  let bob: ApiClient;
  let db: Client;
  const setClock = (at: string) => admin.post('/v1/test/clock', { set: at });
  const del = (path: string) => admin.request('DELETE', path);
  const proc = (pid: number) => admin.get<Process>(`/v1/processes/${pid}`);

  beforeAll(async () => {
    t = await startTestApp();
    ({ admin, amy, bob, db } = await openNurses(t, DESIGN));
  });
  afterAll(async () => {
    await closeNurses(t, db);
    delete process.env.OPKERNEL_CLOCK;
  });

  it("lists the design's calendars with who uses them; creates, replaces, validates and deletes calendars and leaves", async () => {
    const all = await admin.get<Calendar[]>('/v1/calendars');
    expect(all.map((c) => c.key)).toEqual(['clinic', 'day']);
    expect(all.find((c) => c.key === 'day')).toMatchObject({
      label: 'Day shift',
      timeZone: 'UTC',
      attendances: [{ days: WEEKDAYS, from: '09:00', to: '17:00' }],
      holidays: [],
      leaves: [],
      usedBy: { operators: ['amy'], resources: [], slas: [] },
    });
    expect((await admin.get<Calendar>('/v1/calendars/clinic')).usedBy).toEqual({
      operators: [],
      resources: ['room-a'],
      slas: [],
    });
    expect((await failure(admin.get('/v1/calendars/nope')))?.status).toBe(404);

    const body = {
      label: 'Nights',
      timeZone: 'Asia/Shanghai',
      attendances: [{ days: WEEKDAYS, from: '20:00', to: '24:00' }],
      holidays: ['2027-02-11'],
    };
    const created = await t.request('PUT', '/v1/calendars/night', { token: admin.accessToken!, body });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ key: 'night', timeZone: 'Asia/Shanghai', holidays: ['2027-02-11'] });
    const replaced = await t.request('PUT', '/v1/calendars/night', {
      token: admin.accessToken!,
      body: { ...body, label: undefined, holidays: [] },
    });
    expect(replaced.status).toBe(200);
    expect(await admin.get<Calendar>('/v1/calendars/night')).toMatchObject({ label: null, holidays: [] });

    // Refused as the design model refuses them: 422 naming the field.
    const invalid: [unknown, string][] = [
      [{ ...body, timeZone: 'Mars/Olympus' }, 'timeZone'],
      [{ ...body, timeZone: 'local' }, 'timeZone'],
      [{ ...body, attendances: [{ days: [1], from: '12:00', to: '09:00' }] }, 'attendances.0.to'],
      [{ ...body, attendances: [{ days: [8], from: '09:00', to: '10:00' }] }, 'attendances.0.days.0'],
      [{ ...body, attendances: [] }, 'attendances'],
      [{ ...body, holidays: ['2027-02-30'] }, 'holidays.0'],
      [{ ...body, colour: 'red' }, ''],
    ];
    for (const [bad, field] of invalid) {
      const problem = await failure(admin.put('/v1/calendars/night', bad));
      expect(problem, JSON.stringify(bad)).toMatchObject({ status: 422 });
      expect(problem!.problem.errors?.map((e) => e.field)).toContain(field);
    }
    expect(await failure(admin.put('/v1/calendars/24x7', body))).toMatchObject({
      status: 422,
      problem: { errors: [{ field: 'key' }] },
    });

    // Leaves: of the whole calendar, or of one operator or resource.
    const leave = await t.request('POST', '/v1/calendars/night/leaves', {
      token: admin.accessToken!,
      body: { from: '2027-03-01T00:00:00+08:00', to: '2027-03-02T00:00:00+08:00', reason: 'closed' },
    });
    expect(leave.status).toBe(201);
    const { id } = (await leave.json()) as { id: number };
    await admin.post('/v1/calendars/night/leaves', {
      operator: 'bob',
      from: '2027-03-05T00:00:00Z',
      to: '2027-03-06T00:00:00Z',
    });
    expect((await admin.get<Calendar>('/v1/calendars/night')).leaves).toEqual([
      expect.objectContaining({ id, operator: null, from: '2027-02-28T16:00:00.000Z', source: 'admin' }),
      expect.objectContaining({ operator: 'bob', resource: null, to: '2027-03-06T00:00:00.000Z' }),
    ]);
    const badLeaves: [unknown, string][] = [
      [{ from: '2027-03-02T00:00:00Z', to: '2027-03-01T00:00:00Z' }, 'to'],
      [{ from: '2027-03-01', to: '2027-03-02T00:00:00Z' }, 'from'],
      [{ operator: 'nobody', from: '2027-03-01T00:00:00Z', to: '2027-03-02T00:00:00Z' }, 'operator'],
      [{ resource: 'no-room', from: '2027-03-01T00:00:00Z', to: '2027-03-02T00:00:00Z' }, 'resource'],
      [{ operator: 'bob', resource: 'room-a', from: '2027-03-01T00:00:00Z', to: '2027-03-02T00:00:00Z' }, 'resource'],
    ];
    for (const [bad, field] of badLeaves) {
      const problem = await failure(admin.post('/v1/calendars/night/leaves', bad));
      expect(problem, JSON.stringify(bad)).toMatchObject({ status: 422 });
      expect(problem!.problem.errors?.map((e) => e.field)).toContain(field);
    }
    const someLeave = { from: '2027-03-01T00:00:00Z', to: '2027-03-02T00:00:00Z' };
    expect((await failure(admin.post('/v1/calendars/nope/leaves', someLeave)))?.status).toBe(404);
    await del(`/v1/calendars/night/leaves/${id}`);
    expect((await failure(del(`/v1/calendars/night/leaves/${id}`)))?.status).toBe(404);
    expect((await admin.get<Calendar>('/v1/calendars/night')).leaves).toHaveLength(1);

    // In use: 409 naming who uses it.
    expect(await failure(del('/v1/calendars/day'))).toMatchObject({
      status: 409,
      problem: { code: 'CALENDAR_IN_USE', usedBy: { operators: ['amy'], resources: [], slas: [] } },
    });
    expect(await failure(del('/v1/calendars/clinic'))).toMatchObject({
      status: 409,
      problem: { code: 'CALENDAR_IN_USE', usedBy: { resources: ['room-a'] } },
    });
    await admin.put('/v1/operators/bob/calendar', { calendar: 'night' });
    expect((await failure(del('/v1/calendars/night')))?.problem).toMatchObject({ usedBy: { operators: ['bob'] } });
    await admin.put('/v1/operators/bob/calendar', { calendar: null });
    await del('/v1/calendars/night');
    expect((await failure(admin.get('/v1/calendars/night')))?.status).toBe(404);
    const left = await db.query(`SELECT count(*)::int AS n FROM calendar_leaves WHERE calendar = 'night'`);
    expect(left.rows[0].n).toBe(0);
    expect((await failure(del('/v1/calendars/night')))?.status).toBe(404);
  });

  it('PATCH /resources/{key}: label, calendar and capacity — never below the slots its live bookings hold', async () => {
    await setClock('2027-01-04T07:00:00Z');
    const patched = await admin.request<{ label: string; capacity: number; calendar: string | null }>(
      'PATCH',
      '/v1/resources/laser-1',
      { label: 'Laser One', capacity: 2 },
    );
    expect(patched).toMatchObject({ key: 'laser-1', label: 'Laser One', capacity: 2, calendar: null });
    // Slot 1 is booked from outside (the next hour): the capacity cannot go back to 1 while that lasts.
    await admin.post('/v1/resources/laser-1/bookings', {
      from: '2027-01-04T07:00:00Z',
      to: '2027-01-04T08:00:00Z',
      slot: 1,
    });
    expect(await failure(admin.request('PATCH', '/v1/resources/laser-1', { capacity: 1 }))).toMatchObject({
      status: 409,
      problem: { code: 'RESOURCE_IN_USE', slotsInUse: 2, errors: [{ field: 'capacity' }] },
    });
    expect(await failure(admin.request('PATCH', '/v1/resources/laser-1', { calendar: 'nope' }))).toMatchObject({
      status: 422,
      problem: { errors: [{ field: 'calendar' }] },
    });
    expect(await failure(admin.request('PATCH', '/v1/resources/laser-1', { capacity: 0 }))).toMatchObject({
      status: 422,
      problem: { errors: [{ field: 'capacity' }] },
    });
    expect((await failure(admin.request('PATCH', '/v1/resources/nope', { label: 'x' })))?.status).toBe(404);
    expect((await failure(amy.request('PATCH', '/v1/resources/laser-1', { label: 'x' })))?.status).toBe(403);
    // Once the booking is over, the slot is free and the capacity may shrink.
    await setClock('2027-01-04T08:00:00Z');
    expect(await admin.request('PATCH', '/v1/resources/laser-1', { capacity: 1, calendar: '24x7' })).toMatchObject({
      capacity: 1,
      calendar: '24x7',
    });
    expect((await admin.get<{ label: string }>('/v1/resources/laser-1')).label).toBe('Laser One');
  });

  it("a task needing the room waits while the room's calendar is closed and is READY again when it opens", async () => {
    await setClock('2027-01-04T09:00:00Z');
    const consult = await startTask(admin, 'consult');
    expect(await getNext(bob)).toBeNull();
    expect(await proc(consult)).toMatchObject({
      state: 'WAITING',
      assignee: null,
      waitReason: 'resource:room closed',
      waitUntil: '2027-01-04T10:00:00.000Z',
    });
    await admin.post('/v1/test/clock', { advanceMs: 59 * 60_000 });
    expect((await proc(consult)).state).toBe('WAITING');
    await admin.post('/v1/test/clock', { advanceMs: 60_000 });
    await expectEventually(async () => expect((await proc(consult)).state).toBe('READY'));
    const got = (await getNext<Next>(bob))!;
    expect(got.process.pid).toBe(consult);
    expect(got.explanation.resources).toEqual([expect.objectContaining({ resource: 'room-a' })]);
    await bob.post(`/v1/processes/${consult}/complete`, { form: {} });
  });

  it('co-allocation is all or nothing: room free but machine busy books nothing; both are booked once it frees', async () => {
    await cancelOpenTasks(db, admin);
    await setClock('2027-01-04T10:30:00Z');
    const booking = await admin.post<{ id: number }>('/v1/resources/laser-1/bookings', {
      from: '2027-01-04T10:00:00Z',
      to: '2027-01-04T11:30:00Z',
      note: 'service',
    });
    const laser = await startTask(admin, 'laser');
    expect(await getNext(bob)).toBeNull();
    // The wait reason names the type that does not fit (the key its wake-ups match on): the machine, busy.
    expect(await proc(laser)).toMatchObject({
      state: 'WAITING',
      assignee: null,
      waitReason: 'resource:machine busy',
      waitUntil: '2027-01-04T11:30:00.000Z',
    });
    const held = await db.query(`SELECT resource FROM bookings WHERE pid = $1`, [laser]);
    expect(held.rows).toEqual([]);
    expect((await admin.get<{ inUse: number }>('/v1/resources/room-a')).inUse).toBe(0);
    await del(`/v1/bookings/${booking.id}`);
    await expectEventually(async () => expect((await proc(laser)).state).toBe('READY'));
    const got = (await getNext<Next>(bob))!;
    expect(got.process.pid).toBe(laser);
    expect(got.explanation.resources.map((r) => r.resource).sort()).toEqual(['laser-1', 'room-a']);
    const both = await db.query(`SELECT resource, status FROM bookings WHERE pid = $1 ORDER BY resource`, [laser]);
    expect(both.rows).toEqual([
      { resource: 'laser-1', status: 'held' },
      { resource: 'room-a', status: 'held' },
    ]);
    await bob.post(`/v1/processes/${laser}/complete`, { form: {} });
  });

  it("opening the room's calendar over REST wakes the task waiting for it at once", async () => {
    await cancelOpenTasks(db, admin);
    await setClock('2027-01-04T12:30:00Z');
    const consult = await startTask(admin, 'consult');
    expect(await getNext(bob)).toBeNull();
    expect(await proc(consult)).toMatchObject({
      state: 'WAITING',
      waitReason: 'resource:room closed',
      waitUntil: '2027-01-05T10:00:00.000Z',
    });
    await admin.put('/v1/calendars/clinic', {
      timeZone: 'UTC',
      attendances: [{ days: WEEKDAYS, from: '10:00', to: '14:00' }],
    });
    expect((await proc(consult)).state).toBe('READY');
    expect((await getNext<Next>(bob))!.process.pid).toBe(consult);
  });

  it('an operator on leave gets no work (the end of the leave is named); removing the leave gives work at once', async () => {
    await cancelOpenTasks(db, admin);
    await setClock('2027-01-04T13:00:00Z');
    await startTask(admin, 'intake');
    const leave = await admin.post<{ id: number }>('/v1/calendars/day/leaves', {
      operator: 'amy',
      from: '2027-01-04T12:30:00Z',
      to: '2027-01-04T14:00:00Z',
      reason: 'doctor',
    });
    expect(await failure(getNext(amy))).toMatchObject({
      status: 409,
      problem: { code: 'NOT_AVAILABLE', details: { reason: 'leave', nextShiftAt: '2027-01-04T14:00:00.000Z' } },
    });
    expect(await amy.get('/v1/me/availability')).toMatchObject({
      onShift: false,
      nextShiftAt: '2027-01-04T14:00:00.000Z',
    });
    // bob works the same hours but is not on leave.
    expect(await getNext(bob, { dryRun: true })).not.toBeNull();
    await del(`/v1/calendars/day/leaves/${leave.id}`);
    expect(await getNext(amy)).not.toBeNull();
  });

  it('off shift: no work, the next shift is named; a calendar change over REST takes effect at once', async () => {
    await cancelOpenTasks(db, admin);
    await setClock('2027-01-04T18:00:00Z');
    await startTask(admin, 'intake');
    expect(await failure(getNext(amy))).toMatchObject({
      status: 409,
      problem: { code: 'NOT_AVAILABLE', details: { reason: 'off_shift', nextShiftAt: '2027-01-05T09:00:00.000Z' } },
    });
    await admin.put('/v1/calendars/day', {
      label: 'Day and evening',
      timeZone: 'UTC',
      attendances: [
        { days: WEEKDAYS, from: '09:00', to: '17:00' },
        { days: WEEKDAYS, from: '17:00', to: '21:00' },
      ],
    });
    expect(await amy.get('/v1/me/availability')).toMatchObject({
      onShift: true,
      shiftEndsAt: '2027-01-04T21:00:00.000Z',
    });
    expect(await getNext(amy)).not.toBeNull();
    // A holiday closes the whole (local) day.
    await admin.put('/v1/calendars/day', {
      timeZone: 'UTC',
      attendances: [{ days: WEEKDAYS, from: '09:00', to: '21:00' }],
      holidays: ['2027-01-04'],
    });
    await startTask(admin, 'intake');
    expect(await failure(getNext(amy))).toMatchObject({
      status: 409,
      problem: { details: { reason: 'off_shift', nextShiftAt: '2027-01-05T09:00:00.000Z' } },
    });
  });

  it('another API process sees a calendar change within its cache bound (2 s)', async () => {
    const b = await createApp({ databaseUrl: t.db.url, port: 0, seed: false });
    try {
      const onB = async (path: string, method = 'GET', body?: unknown) => {
        const res = await fetch(`${b.url}/api${path}`, {
          method,
          headers: { authorization: `Bearer ${amy.accessToken}`, 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        return (await res.json()) as { onShift: boolean };
      };
      // Process B's own manual clock, set to process A's time (Monday 18:00, a holiday of amy's calendar).
      await fetch(`${b.url}/api/v1/test/clock`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin.accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ set: '2027-01-04T18:00:00Z' }),
      });
      expect((await onB('/v1/me/availability')).onShift).toBe(false);
      await admin.put('/v1/calendars/day', {
        timeZone: 'UTC',
        attendances: [{ days: [1, 2, 3, 4, 5], from: '00:00', to: '24:00' }],
      });
      await expectEventually(async () => expect((await onB('/v1/me/availability')).onShift).toBe(true), 5000);
    } finally {
      await b.close();
    }
  });
});
