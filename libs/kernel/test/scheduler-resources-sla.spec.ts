import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { fitResources, type ResourceSnapshot, type ResourceView } from '../src/scheduler/resources';
import { MAX_URGENCY, slaFire, slaOnTransition, slaProjection, startClock, type SlaDef } from '../src/scheduler/sla';
import type { CalendarDef } from '../src/scheduler/types';

const MIN = 60_000;
const H = 60 * MIN;
const at = (iso: string) => DateTime.fromISO(iso, { zone: 'Asia/Shanghai' }).toMillis();
/** Mon–Fri 09:00–18:00 in Shanghai. */
const office: CalendarDef = {
  key: 'office',
  tz: 'Asia/Shanghai',
  attendances: [{ days: [1, 2, 3, 4, 5], from: '09:00', to: '18:00' }],
  holidays: [],
  leaves: [],
};
const room = (key: string, extra: Partial<ResourceView> = {}): ResourceView => ({
  key,
  type: 'room',
  capacity: 1,
  state: 'available',
  calendar: null,
  ...extra,
});

describe('co-allocation: all slots or none, and when to retry', () => {
  const now = at('2026-12-07T10:00'); // a Monday

  it('books the first free slots by resource key and slot, several needs at once', () => {
    const snap: ResourceSnapshot = {
      resources: [room('b'), room('a', { capacity: 2 }), { ...room('m1'), type: 'laser' }],
      bookings: [{ resource: 'a', slot: 0, from: now - H, to: now + 10 * MIN }],
    };
    const fit = fitResources(
      [
        { type: 'room', quantity: 2 },
        { type: 'laser', quantity: 1 },
      ],
      snap,
      now,
      30 * MIN,
    );
    expect(fit).toEqual({
      fit: true,
      plan: [
        { type: 'room', resource: 'a', slot: 1, from: now, to: now + 30 * MIN },
        { type: 'room', resource: 'b', slot: 0, from: now, to: now + 30 * MIN },
        { type: 'laser', resource: 'm1', slot: 0, from: now, to: now + 30 * MIN },
      ],
    });
  });

  it('touching bookings do not overlap; a busy room gives the time it frees', () => {
    const snap: ResourceSnapshot = {
      resources: [room('a')],
      bookings: [
        { resource: 'a', slot: 0, from: now - H, to: now },
        { resource: 'a', slot: 0, from: now + 30 * MIN, to: now + H },
      ],
    };
    expect(fitResources([{ type: 'room', quantity: 1 }], snap, now, 30 * MIN).fit).toBe(true);
    expect(fitResources([{ type: 'room', quantity: 1 }], snap, now, 31 * MIN)).toEqual({
      fit: false,
      reason: 'busy',
      retryAt: now + H,
      types: ['room'],
    });
  });

  it('needs every requirement: a free room without a free machine books nothing', () => {
    const snap: ResourceSnapshot = {
      resources: [room('a'), { ...room('m1'), type: 'laser' }],
      bookings: [{ resource: 'm1', slot: 0, from: now, to: now + 2 * H }],
    };
    const fit = fitResources(
      [
        { type: 'room', quantity: 1 },
        { type: 'laser', quantity: 1 },
      ],
      snap,
      now,
      H,
    );
    // Only the machine stands in the way: the wait names it alone.
    expect(fit).toEqual({ fit: false, reason: 'busy', retryAt: now + 2 * H, types: ['laser'] });
  });

  it('a closed calendar retries when it opens; a blocked resource has no retry time', () => {
    const evening = at('2026-12-07T17:30');
    const snap: ResourceSnapshot = { resources: [room('a', { calendar: office })], bookings: [] };
    expect(fitResources([{ type: 'room', quantity: 1 }], snap, evening, H)).toEqual({
      fit: false,
      reason: 'closed',
      retryAt: at('2026-12-08T09:00'),
      types: ['room'],
    });
    const blocked = { resources: [room('a', { state: 'blocked' })], bookings: [] };
    expect(fitResources([{ type: 'room', quantity: 1 }], blocked, now, H)).toEqual({
      fit: false,
      reason: 'blocked',
      retryAt: null,
      types: ['room'],
    });
    expect(
      fitResources([{ type: 'room', quantity: 2 }], { resources: [room('a')], bookings: [] }, now, H),
    ).toMatchObject({
      reason: 'blocked',
    });
  });
});

describe('SLA clocks on business calendars', () => {
  const def: SlaDef = {
    key: 'visit',
    calendar: office,
    goalMs: 2 * H,
    deadlineMs: 4 * H,
    passed: { everyMs: H, times: 2 },
    urgency: { goal: 10, deadline: 20, passed: 10 },
    actions: { goal: [], deadline: [{ kind: 'raise_urgency', by: 5 }], passed: [] },
    pauseIn: ['WAITING', 'SUSPENDED'],
    pauseOnResourceWait: false,
  };

  it('starts on READY and falls due in business time (overnight does not count)', () => {
    const t = at('2026-12-07T17:00');
    expect(slaOnTransition(def, null, { state: 'NEW', waitReason: null }, t)).toBeNull();
    const clock = slaOnTransition(def, null, { state: 'READY', waitReason: null }, t)!;
    expect(clock).toMatchObject({ status: 'running', nextMilestone: 'goal', nextDueAt: at('2026-12-08T10:00') });
  });

  it('pauses while SUSPENDED and resumes with the time already counted', () => {
    const t0 = at('2026-12-07T09:00');
    let clock = startClock(def, t0);
    clock = slaOnTransition(def, clock, { state: 'SUSPENDED', waitReason: null }, t0 + H)!;
    expect(clock).toMatchObject({ status: 'paused', elapsedMs: H, nextDueAt: null });
    clock = slaOnTransition(def, clock, { state: 'RUNNING', waitReason: null }, t0 + 5 * H)!;
    expect(clock).toMatchObject({ status: 'running', nextDueAt: t0 + 6 * H });
    // A resource wait pauses only with pauseOnResourceWait.
    const waiting = slaOnTransition(def, clock, { state: 'WAITING', waitReason: 'resource:room busy' }, t0 + 6 * H)!;
    expect(waiting.status).toBe('running');
    const paused = slaOnTransition(
      { ...def, pauseOnResourceWait: true },
      clock,
      { state: 'WAITING', waitReason: 'resource:room busy' },
      t0 + 6 * H,
    )!;
    expect(paused.status).toBe('paused');
  });

  it('fires goal, deadline and passed deadline in turn, raising urgency up to the cap; then stops as breached', () => {
    const t0 = at('2026-12-07T09:00');
    let clock = startClock(def, t0);
    expect(slaFire(def, clock, 0, t0 + H)).toBeNull();
    const goal = slaFire(def, clock, 0, t0 + 2 * H)!;
    expect(goal).toMatchObject({ milestone: 'goal', urgencyBefore: 0, urgencyAfter: 10, repeat: 0 });
    expect(goal.clock).toMatchObject({ nextMilestone: 'deadline', nextDueAt: t0 + 4 * H, breached: false });
    const deadline = slaFire(def, goal.clock, 10, t0 + 4 * H)!;
    expect(deadline).toMatchObject({ milestone: 'deadline', urgencyAfter: 35 });
    const p1 = slaFire(def, deadline.clock, 35, t0 + 5 * H)!;
    expect(p1).toMatchObject({ milestone: 'passed', repeat: 1, urgencyAfter: 45 });
    const p2 = slaFire(def, p1.clock, 95, t0 + 6 * H)!;
    expect(p2).toMatchObject({ milestone: 'passed', repeat: 2, urgencyAfter: MAX_URGENCY });
    expect(p2.clock).toMatchObject({ nextMilestone: null, nextDueAt: null });
    clock = slaOnTransition(def, p2.clock, { state: 'TERMINATED', waitReason: null }, t0 + 7 * H)!;
    expect(clock.status).toBe('breached');
  });

  it('projects goal and deadline on the calendar; a passed goal and a paused clock project nothing', () => {
    const t0 = at('2026-12-07T17:00'); // an hour before the office closes
    const clock = startClock(def, t0);
    expect(slaProjection(def, clock)).toEqual({ goalAt: at('2026-12-08T10:00'), deadlineAt: at('2026-12-08T12:00') });
    const goal = slaFire(def, clock, 0, at('2026-12-08T10:00'))!;
    expect(slaProjection(def, goal.clock)).toEqual({ goalAt: null, deadlineAt: at('2026-12-08T12:00') });
    const paused = slaOnTransition(def, clock, { state: 'SUSPENDED', waitReason: null }, t0 + H / 2)!;
    expect(slaProjection(def, paused)).toEqual({ goalAt: null, deadlineAt: null });
  });

  it('is met when finished before the deadline, stopped when cancelled', () => {
    const t0 = at('2026-12-07T09:00');
    const clock = startClock(def, t0);
    expect(slaOnTransition(def, clock, { state: 'TERMINATED', waitReason: null }, t0 + H)!.status).toBe('met');
    expect(
      slaOnTransition(def, clock, { state: 'TERMINATED', waitReason: null, terminatedReason: 'cancelled' }, t0 + H)!
        .status,
    ).toBe('stopped');
  });
});
