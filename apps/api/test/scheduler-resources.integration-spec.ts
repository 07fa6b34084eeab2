import type { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../src/journey/api-client';
import { expectEventually } from './utils/expect-eventually';
import { cancelOpenTasks, getNext, openNurses, closeNurses, startTask, laserRoomDesign } from './utils/scheduler';
import { startTestApp, type TestApp } from './utils/test-app';

const DESIGN = laserRoomDesign('scheduler-resources');

type Next = { process: { pid: number }; explanation: { resources: { resource: string; slot: number }[] } };

describe('co-allocation over REST (real PostgreSQL)', () => {
  let t: TestApp;
  let admin: ApiClient;
  let amy: ApiClient;
  let bob: ApiClient;
  let db: Client;
  beforeAll(async () => {
    t = await startTestApp();
    ({ admin, amy, bob, db } = await openNurses(t, DESIGN));
  });
  afterAll(async () => {
    await closeNurses(t, db);
  });
  const state = async (pid: number) =>
    admin.get<{ state: string; assignee: string | null; waitReason: string | null }>(`/v1/processes/${pid}`);

  it('books the room with the person; the next session waits for the room and comes back when it frees', async () => {
    const first = await startTask(admin, 'laser');
    const second = await startTask(admin, 'laser');
    const got = (await getNext<Next>(amy))!;
    expect(got.process.pid).toBe(first);
    expect(got.explanation.resources).toEqual([expect.objectContaining({ resource: 'room-a', slot: 0 })]);
    const held = await db.query(`SELECT resource, slot, status FROM bookings WHERE pid = $1`, [first]);
    expect(held.rows).toEqual([{ resource: 'room-a', slot: 0, status: 'held' }]);
    // The room is taken: bob gets nothing, and the second session waits for it.
    expect(await getNext(bob)).toBeNull();
    expect(await state(second)).toMatchObject({ state: 'WAITING', assignee: null, waitReason: 'resource:room busy' });
    // The database refuses a second live booking of the slot over the same time (exclusion constraint).
    const clash = await db
      .query(
        `INSERT INTO bookings (resource, slot, during, status)
         SELECT resource, slot, during, 'held' FROM bookings WHERE pid = $1`,
        [first],
      )
      .catch((e: { code?: string }) => e);
    expect((clash as { code?: string }).code).toBe('23P01');
    // amy finishes: the booking is released and the waiting session comes back to the lane.
    await amy.post(`/v1/processes/${first}/complete`, { form: {} });
    const released = await db.query(`SELECT status FROM bookings WHERE pid = $1`, [first]);
    expect(released.rows).toEqual([{ status: 'released' }]);
    const detail = await admin.get<{ sla: unknown; bookings: unknown[] }>(`/v1/processes/${first}`);
    expect(detail).toMatchObject({ sla: null, bookings: [{ resource: 'room-a', slot: 0, status: 'released' }] });
    await expectEventually(async () => expect((await state(second)).state).toBe('READY'));
    const again = (await getNext<Next>(bob))!;
    expect(again.process.pid).toBe(second);
    expect(again.explanation.resources).toEqual([expect.objectContaining({ resource: 'room-a' })]);
  });

  it('lists rooms with what is in use; an admin books one from outside, blocks it, and releases it to the waiters', async () => {
    // The first test left a session assigned with the room: end it (its booking is released).
    await cancelOpenTasks(db, admin);
    const busy = await startTask(admin, 'laser');
    expect((await getNext<Next>(amy))!.process.pid).toBe(busy);
    const rooms =
      await admin.get<{ key: string; inUse: number; nextFreeAt: string | null; state: string }[]>(
        '/v1/resources?type=room',
      );
    expect(rooms).toEqual([expect.objectContaining({ key: 'room-a', inUse: 1, state: 'available' })]);
    expect(rooms[0]!.nextFreeAt).not.toBeNull();
    // The slot is held for the next 30 minutes: an outside booking over that time is refused.
    const from = new Date(Date.now() + 60_000).toISOString();
    const to = new Date(Date.now() + 10 * 60_000).toISOString();
    const conflict = await admin.post('/v1/resources/room-a/bookings', { from, to }).catch((e) => e);
    expect(conflict).toMatchObject({ status: 409, problem: { code: 'BOOKING_CONFLICT' } });
    const bad = await admin.post('/v1/resources/room-a/bookings', { from: to, to: from }).catch((e) => e);
    expect(bad).toMatchObject({ status: 422 });
    await amy.post(`/v1/processes/${busy}/complete`, { form: {} });
    // Blocked: a new session cannot get the room and waits for it (no retry time: only a release wakes it).
    await admin.put('/v1/resources/room-a/state', { state: 'blocked', reason: 'cleaning' });
    const waiting = await startTask(admin, 'laser');
    expect(await getNext(bob)).toBeNull();
    expect(await state(waiting)).toMatchObject({ state: 'WAITING', waitReason: 'resource:room blocked' });
    const released = await admin.put<{ state: string }>('/v1/resources/room-a/state', {
      state: 'available',
      reason: 'clean',
    });
    expect(released.state).toBe('available');
    expect((await state(waiting)).state).toBe('READY');
    // An outside booking now, then cancelled: the session waits for it, and is woken by the cancellation.
    const booking = await admin.post<{ id: number; status: string }>('/v1/resources/room-a/bookings', {
      from: new Date(Date.now() - 60_000).toISOString(),
      to: new Date(Date.now() + 3_600_000).toISOString(),
      note: 'maintenance',
    });
    expect(booking.status).toBe('held');
    expect(await getNext(bob)).toBeNull();
    expect((await state(waiting)).state).toBe('WAITING');
    const list = await admin.get<{ id: number; note: string | null }[]>('/v1/resources/room-a/bookings');
    expect(list.map((b) => b.note)).toContain('maintenance');
    const res = await fetch(`${t.url}/api/v1/bookings/${booking.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${admin.accessToken}` },
    });
    expect(res.status).toBe(204);
    expect((await state(waiting)).state).toBe('READY');
    expect((await getNext<Next>(bob))!.process.pid).toBe(waiting);
  });
});
