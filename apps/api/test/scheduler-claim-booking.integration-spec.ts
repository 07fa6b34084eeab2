import type { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../src/journey/api-client';
import { expectEventually } from './utils/expect-eventually';
import { failure, getNext, openNurses, closeNurses, startTask, laserRoomDesign } from './utils/scheduler';
import { startTestApp, type TestApp } from './utils/test-app';

// The manual clock moves only through POST /v1/test/clock: the test sets it to Monday 2027-01-04 09:00 UTC first.
process.env.OPKERNEL_CLOCK = 'manual';

const DESIGN = laserRoomDesign('scheduler-claim-booking');

type Booking = { resource: string; slot: number; status: string; lower: Date; upper: Date };

describe('claims and transfers book rooms with the person (OPKERNEL_CLOCK=manual, real PostgreSQL)', () => {
  let t: TestApp;
  let admin: ApiClient;
  let amy: ApiClient;
  let bob: ApiClient;
  let db: Client;
  const bookings = async (pid: number) =>
    (
      await db.query<Booking>(
        `SELECT resource, slot, status, lower(during) AS lower, upper(during) AS upper FROM bookings
          WHERE pid = $1 ORDER BY id`,
        [pid],
      )
    ).rows;

  beforeAll(async () => {
    t = await startTestApp();
    ({ admin, amy, bob, db } = await openNurses(t, DESIGN));
    await admin.post('/v1/test/clock', { set: '2027-01-04T09:00:00Z' });
  });
  afterAll(async () => {
    await closeNurses(t, db);
    delete process.env.OPKERNEL_CLOCK;
  });

  it('a claim books the room or is refused (409 RESOURCE_BUSY); a transfer keeps the booking; starting puts it in use', async () => {
    const first = await startTask(admin, 'laser');
    const second = await startTask(admin, 'laser');
    await amy.post(`/v1/processes/${first}/claim`, {});
    expect(await bookings(first)).toEqual([
      {
        resource: 'room-a',
        slot: 0,
        status: 'held',
        lower: new Date('2027-01-04T09:00:00Z'),
        upper: new Date('2027-01-04T09:30:00Z'),
      },
    ]);
    const why = await admin.get<{ explanation: { mode: string; resources: { resource: string }[] } }>(
      `/v1/processes/${first}/assignment-explanation`,
    );
    expect(why.explanation).toMatchObject({ mode: 'claim', resources: [{ resource: 'room-a' }] });

    // The room is held: bob cannot claim the second session, and nothing is assigned or booked for it.
    const refused = await failure(bob.post(`/v1/processes/${second}/claim`, {}));
    expect(refused).toMatchObject({
      status: 409,
      problem: {
        code: 'RESOURCE_BUSY',
        details: { types: ['room'], reason: 'busy', retryAt: '2027-01-04T09:30:00.000Z' },
      },
    });
    expect(await admin.get(`/v1/processes/${second}`)).toMatchObject({ assignee: null, state: 'READY' });
    expect(await bookings(second)).toEqual([]);

    // Handed to bob: the session keeps its one booking.
    await amy.post(`/v1/processes/${first}/transfer`, { operator: 'bob' });
    expect((await bookings(first)).map((b) => b.status)).toEqual(['held']);

    // bob starts it: the booking is in use; past its booked end the room stays taken while the session runs.
    await bob.post(`/v1/processes/${first}/start`, {});
    expect((await bookings(first)).map((b) => b.status)).toEqual(['active']);
    await admin.post('/v1/test/clock', { advanceMs: 45 * 60_000 });
    expect(await getNext(amy)).toBeNull();
    expect(await admin.get(`/v1/processes/${second}`)).toMatchObject({
      state: 'WAITING',
      waitReason: 'resource:room busy',
    });

    // Done: released at the time it ended, and the waiting session gets the room.
    await bob.post(`/v1/processes/${first}/complete`, { form: {} });
    expect(await bookings(first)).toMatchObject([{ status: 'released' }]);
    await expectEventually(async () =>
      expect((await admin.get<{ state: string }>(`/v1/processes/${second}`)).state).toBe('READY'),
    );
    // Taken and started at once: its booking is written in use.
    const next = await getNext<{ process: { pid: number } }>(amy, { start: true });
    expect(next?.process.pid).toBe(second);
    expect((await bookings(second)).map((b) => b.status)).toEqual(['active']);
    // Suspended, it stops using the room: the booking is bounded by its range again.
    await amy.post(`/v1/processes/${second}/suspend`, { reason: 'patient stepped out' });
    expect((await bookings(second)).map((b) => b.status)).toEqual(['held']);
  });
});
