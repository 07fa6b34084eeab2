import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  addBusiness,
  businessBetween,
  CALENDAR_HORIZON_MS,
  CalendarNeverOpenError,
  covers,
  isOpen,
  nextOpen,
  openIntervals,
  openUntil,
} from '../src/scheduler/calendar';
import type { Attendance, CalendarDef } from '../src/scheduler/types';

const H = 3_600_000;
const DAY = 24 * H;
const WEEKDAYS = [1, 2, 3, 4, 5];
const ALL_DAYS = [1, 2, 3, 4, 5, 6, 7];

const cal = (tz: string, attendances: Attendance[], more: Partial<CalendarDef> = {}): CalendarDef => ({
  key: 'test',
  tz,
  attendances,
  holidays: [],
  leaves: [],
  ...more,
});

/** Epoch ms of a local ISO time in a zone, e.g. `at('Asia/Shanghai', '2026-12-07T09:00')`. */
const at = (zone: string, iso: string) => DateTime.fromISO(iso, { zone }).toMillis();

const SH = 'Asia/Shanghai';
const sh = (iso: string) => at(SH, iso);
const office = (more: Partial<CalendarDef> = {}) =>
  cal(
    SH,
    [
      { days: WEEKDAYS, from: '09:00', to: '12:00' },
      { days: WEEKDAYS, from: '13:00', to: '18:00' },
    ],
    more,
  );

// 2026-12-07 is a Monday.
describe('calendar: Asia/Shanghai office, Mon–Fri 09:00–12:00 + 13:00–18:00', () => {
  const c = office();

  it('is open inside attendances only, [start, end)', () => {
    expect(isOpen(c, sh('2026-12-07T10:00'))).toBe(true);
    expect(isOpen(c, sh('2026-12-07T09:00'))).toBe(true);
    expect(isOpen(c, sh('2026-12-07T12:00'))).toBe(false);
    expect(isOpen(c, sh('2026-12-07T12:30'))).toBe(false);
    expect(isOpen(c, sh('2026-12-07T18:00'))).toBe(false);
    expect(isOpen(c, sh('2026-12-12T10:00'))).toBe(false); // Saturday
  });

  it('nextOpen: itself when open, else the next start', () => {
    expect(nextOpen(c, sh('2026-12-11T19:00'))).toBe(sh('2026-12-14T09:00'));
    expect(nextOpen(c, sh('2026-12-07T12:30'))).toBe(sh('2026-12-07T13:00'));
    expect(nextOpen(c, sh('2026-12-07T10:15'))).toBe(sh('2026-12-07T10:15'));
  });

  it('openUntil: the end of the interval containing t; null when closed', () => {
    expect(openUntil(c, sh('2026-12-07T10:00'))).toBe(sh('2026-12-07T12:00'));
    expect(openUntil(c, sh('2026-12-07T13:00'))).toBe(sh('2026-12-07T18:00'));
    expect(openUntil(c, sh('2026-12-07T12:30'))).toBeNull();
  });

  it('openIntervals and businessBetween', () => {
    expect(openIntervals(c, sh('2026-12-07T00:00'), sh('2026-12-08T00:00'))).toEqual([
      [sh('2026-12-07T09:00'), sh('2026-12-07T12:00')],
      [sh('2026-12-07T13:00'), sh('2026-12-07T18:00')],
    ]);
    expect(openIntervals(c, sh('2026-12-07T10:00'), sh('2026-12-07T14:00'))).toEqual([
      [sh('2026-12-07T10:00'), sh('2026-12-07T12:00')],
      [sh('2026-12-07T13:00'), sh('2026-12-07T14:00')],
    ]);
    expect(businessBetween(c, sh('2026-12-07T00:00'), sh('2026-12-14T00:00'))).toBe(40 * H);
    expect(businessBetween(c, sh('2026-12-07T11:00'), sh('2026-12-07T14:00'))).toBe(2 * H);
    expect(businessBetween(c, sh('2026-12-07T14:00'), sh('2026-12-07T11:00'))).toBe(0);
    expect(openIntervals(c, sh('2026-12-07T14:00'), sh('2026-12-07T11:00'))).toEqual([]);
  });

  it('covers: the whole range must be open; an empty range is covered', () => {
    expect(covers(c, sh('2026-12-07T09:00'), sh('2026-12-07T12:00'))).toBe(true);
    expect(covers(c, sh('2026-12-07T11:00'), sh('2026-12-07T13:30'))).toBe(false);
    expect(covers(c, sh('2026-12-12T10:00'), sh('2026-12-12T11:00'))).toBe(false);
    expect(covers(c, sh('2026-12-12T10:00'), sh('2026-12-12T10:00'))).toBe(true);
  });

  it('addBusiness counts open time only; an exact fit ends at the shift end; 0 → nextOpen', () => {
    expect(addBusiness(c, sh('2026-12-11T17:00'), 2 * H)).toBe(sh('2026-12-14T10:00'));
    expect(addBusiness(c, sh('2026-12-07T11:00'), 1 * H)).toBe(sh('2026-12-07T12:00'));
    expect(addBusiness(c, sh('2026-12-07T11:00'), 2 * H)).toBe(sh('2026-12-07T14:00'));
    expect(addBusiness(c, sh('2026-12-07T10:00'), 0)).toBe(sh('2026-12-07T10:00'));
    expect(addBusiness(c, sh('2026-12-07T12:30'), 0)).toBe(sh('2026-12-07T13:00'));
    expect(addBusiness(c, sh('2026-12-07T09:00'), 40 * H)).toBe(sh('2026-12-11T18:00'));
    expect(() => addBusiness(c, sh('2026-12-07T09:00'), -1)).toThrow(RangeError);
  });

  it('adjacent attendances merge: 09:00–12:00 + 12:00–18:00 is one interval', () => {
    const joined = cal(SH, [
      { days: [1], from: '09:00', to: '12:00' },
      { days: [1], from: '12:00', to: '18:00' },
      { days: [1], from: '10:00', to: '11:00' }, // overlapping: counted once
    ]);
    expect(openIntervals(joined, sh('2026-12-07T00:00'), sh('2026-12-08T00:00'))).toEqual([
      [sh('2026-12-07T09:00'), sh('2026-12-07T18:00')],
    ]);
    expect(openUntil(joined, sh('2026-12-07T10:00'))).toBe(sh('2026-12-07T18:00'));
    expect(businessBetween(joined, sh('2026-12-07T00:00'), sh('2026-12-08T00:00'))).toBe(9 * H);
  });
});

describe('calendar: holidays, leaves, week parity, validity', () => {
  it('a holiday closes the whole local date', () => {
    const c = office({ holidays: ['2026-12-09'] });
    expect(isOpen(c, sh('2026-12-09T10:00'))).toBe(false);
    expect(nextOpen(c, sh('2026-12-08T19:00'))).toBe(sh('2026-12-10T09:00'));
    expect(businessBetween(c, sh('2026-12-07T00:00'), sh('2026-12-14T00:00'))).toBe(32 * H);
  });

  it('leaves cut intervals, also across days', () => {
    const c = office({
      leaves: [
        { from: sh('2026-12-08T10:00'), to: sh('2026-12-08T11:00'), reason: 'meeting' },
        { from: sh('2026-12-11T17:00'), to: sh('2026-12-14T10:00') },
      ],
    });
    expect(openIntervals(c, sh('2026-12-08T00:00'), sh('2026-12-08T12:00'))).toEqual([
      [sh('2026-12-08T09:00'), sh('2026-12-08T10:00')],
      [sh('2026-12-08T11:00'), sh('2026-12-08T12:00')],
    ]);
    expect(isOpen(c, sh('2026-12-08T10:30'))).toBe(false);
    expect(nextOpen(c, sh('2026-12-08T10:30'))).toBe(sh('2026-12-08T11:00'));
    expect(openUntil(c, sh('2026-12-08T09:30'))).toBe(sh('2026-12-08T10:00'));
    expect(addBusiness(c, sh('2026-12-11T16:00'), 2 * H)).toBe(sh('2026-12-14T11:00'));
    expect(businessBetween(c, sh('2026-12-07T00:00'), sh('2026-12-14T00:00'))).toBe(38 * H);
  });

  it('weekParity follows Odoo floor((ordinal − 1) / 7) % 2 of the local date', () => {
    // 2026-01-05 (ordinal 5) and 01-19 (19) are even weeks; 01-12 (12) and 01-26 (26) odd.
    const c = cal(SH, [
      { days: [1], from: '09:00', to: '17:00', weekParity: 1 },
      { days: [1], from: '09:00', to: '10:00', weekParity: 0 },
    ]);
    const day = (d: string) => businessBetween(c, sh(`${d}T00:00`), sh(`${d}T23:59`));
    expect(day('2026-01-05')).toBe(1 * H);
    expect(day('2026-01-12')).toBe(8 * H);
    expect(day('2026-01-19')).toBe(1 * H);
    expect(day('2026-01-26')).toBe(8 * H);
  });

  it('validFrom / validTo bound attendances by inclusive local dates', () => {
    const c = cal(SH, [{ days: WEEKDAYS, from: '09:00', to: '17:00', validFrom: '2026-12-08', validTo: '2026-12-10' }]);
    expect(isOpen(c, sh('2026-12-07T10:00'))).toBe(false);
    expect(isOpen(c, sh('2026-12-08T10:00'))).toBe(true);
    expect(isOpen(c, sh('2026-12-10T16:59'))).toBe(true);
    expect(isOpen(c, sh('2026-12-11T10:00'))).toBe(false);
    expect(businessBetween(c, sh('2026-12-07T00:00'), sh('2026-12-14T00:00'))).toBe(24 * H);
    expect(nextOpen(c, sh('2026-12-10T18:00'))).toBeNull(); // never again
  });
});

describe('calendar: 24:00 joins the next 00:00', () => {
  const TK = 'Asia/Tokyo';
  const tk = (iso: string) => at(TK, iso);

  it('an evening + early-morning shift is one interval across midnight', () => {
    const c = cal(TK, [
      { days: [1], from: '20:00', to: '24:00' },
      { days: [2], from: '00:00', to: '04:00' },
    ]);
    expect(openUntil(c, tk('2026-12-07T21:00'))).toBe(tk('2026-12-08T04:00'));
    expect(isOpen(c, tk('2026-12-08T00:00'))).toBe(true);
    expect(openIntervals(c, tk('2026-12-07T00:00'), tk('2026-12-09T00:00'))).toEqual([
      [tk('2026-12-07T20:00'), tk('2026-12-08T04:00')],
    ]);
    expect(covers(c, tk('2026-12-07T22:00'), tk('2026-12-08T02:00'))).toBe(true);
  });

  it('all days 00:00–24:00 is always open: openUntil is null (never closes within the horizon)', () => {
    const c = cal(TK, [{ days: ALL_DAYS, from: '00:00', to: '24:00' }]);
    const t = tk('2026-12-07T10:00');
    expect(isOpen(c, t)).toBe(true);
    expect(openUntil(c, t)).toBeNull();
    expect(openIntervals(c, t, t + 3 * DAY)).toEqual([[t, t + 3 * DAY]]);
    expect(businessBetween(c, t, t + 3 * DAY)).toBe(72 * H);
    // The horizon bounds gaps, not the total: 400 days of open time is fine.
    expect(addBusiness(c, t, 400 * DAY)).toBe(t + 400 * DAY);
  });

  it('a holiday ends an all-week calendar\'s "shift"', () => {
    const c = cal(TK, [{ days: ALL_DAYS, from: '00:00', to: '24:00' }], { holidays: ['2026-12-10'] });
    expect(openUntil(c, tk('2026-12-07T10:00'))).toBe(tk('2026-12-10T00:00'));
    expect(nextOpen(c, tk('2026-12-10T10:00'))).toBe(tk('2026-12-11T00:00'));
  });
});

describe('calendar: Europe/Berlin across DST (2026-03-29 spring forward, 2026-10-25 fall back)', () => {
  const BE = 'Europe/Berlin';
  const night = cal(BE, [
    { days: ALL_DAYS, from: '22:00', to: '24:00' },
    { days: ALL_DAYS, from: '00:00', to: '06:00' },
  ]);

  it('a night shift over the spring-forward night is one hour shorter in real time', () => {
    const from = DateTime.fromISO('2026-03-28T22:00:00+01:00').toMillis();
    const to = DateTime.fromISO('2026-03-29T06:00:00+02:00').toMillis();
    expect(to - from).toBe(7 * H);
    expect(openIntervals(night, from - H, to + H)).toEqual([[from, to]]);
    expect(businessBetween(night, from - H, to + H)).toBe(7 * H);
    expect(openUntil(night, from + H)).toBe(to);
    expect(addBusiness(night, from, 7 * H)).toBe(to);
  });

  it('a night shift over the fall-back night is one hour longer', () => {
    const from = DateTime.fromISO('2026-10-24T22:00:00+02:00').toMillis();
    const to = DateTime.fromISO('2026-10-25T06:00:00+01:00').toMillis();
    expect(businessBetween(night, from, to + H)).toBe(9 * H);
    expect(openUntil(night, from)).toBe(to);
  });

  it('02:00–03:00 on Sunday: nonexistent in spring (empty), ambiguous in autumn (02:00 takes the earlier offset)', () => {
    const c = cal(BE, [{ days: [7], from: '02:00', to: '03:00' }]);
    const sunday = (d: string) => [at(BE, `${d}T00:00`), at(BE, `${d}T12:00`)] as const;
    expect(businessBetween(c, ...sunday('2026-03-22'))).toBe(1 * H);
    expect(businessBetween(c, ...sunday('2026-03-29'))).toBe(0);
    expect(isOpen(c, DateTime.fromISO('2026-03-29T03:00:00+02:00').toMillis())).toBe(false);
    // 02:00 first occurs at +02:00 (00:00Z); 03:00 exists once, at +01:00 (02:00Z): two real hours.
    expect(openIntervals(c, ...sunday('2026-10-25'))).toEqual([
      [DateTime.fromISO('2026-10-25T00:00:00Z').toMillis(), DateTime.fromISO('2026-10-25T02:00:00Z').toMillis()],
    ]);
    expect(nextOpen(c, DateTime.fromISO('2026-10-24T12:00:00Z').toMillis())).toBe(
      DateTime.fromISO('2026-10-25T02:00:00+02:00').toMillis(),
    );
  });
});

describe('calendar: closed calendars, the null calendar, errors', () => {
  it('no attendances: never open, nextOpen null, addBusiness throws CALENDAR_NEVER_OPEN', () => {
    const c = cal(SH, [], { key: 'closed' });
    const t = sh('2026-12-07T10:00');
    expect(isOpen(c, t)).toBe(false);
    expect(nextOpen(c, t)).toBeNull();
    expect(openUntil(c, t)).toBeNull();
    expect(businessBetween(c, t, t + 30 * DAY)).toBe(0);
    expect(covers(c, t, t + H)).toBe(false);
    let error: unknown;
    try {
      addBusiness(c, t, H);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CalendarNeverOpenError);
    expect(error).toMatchObject({ code: 'CALENDAR_NEVER_OPEN', calendar: 'closed', after: t });
    expect(() => addBusiness(c, t, 0)).toThrow(CalendarNeverOpenError);
  });

  it('open time beyond the horizon is not found; within it, it is', () => {
    const c = cal(SH, [{ days: [1], from: '09:00', to: '17:00', validFrom: '2028-01-01' }]);
    const opens = sh('2028-01-03T09:00'); // the first Monday of 2028
    expect(nextOpen(c, sh('2026-12-07T10:00'))).toBeNull();
    expect(nextOpen(c, opens - CALENDAR_HORIZON_MS)).toBe(opens);
    expect(nextOpen(c, opens - CALENDAR_HORIZON_MS - 1)).toBeNull();
    expect(() => addBusiness(c, sh('2026-12-07T10:00'), H)).toThrow(CalendarNeverOpenError);
    expect(addBusiness(c, sh('2027-06-01T00:00'), H)).toBe(sh('2028-01-03T10:00'));
  });

  it('null calendar is always open', () => {
    const t = sh('2026-12-07T10:00');
    expect(isOpen(null, t)).toBe(true);
    expect(nextOpen(null, t)).toBe(t);
    expect(openUntil(null, t)).toBeNull();
    expect(openIntervals(null, t, t + H)).toEqual([[t, t + H]]);
    expect(covers(null, t, t + 1000 * DAY)).toBe(true);
    expect(businessBetween(null, t, t + 5 * H)).toBe(5 * H);
    expect(addBusiness(null, t, 5 * H)).toBe(t + 5 * H);
  });

  it('an invalid time zone or time of day throws an Error naming the calendar', () => {
    const bad = cal('Mars/Olympus', [{ days: ALL_DAYS, from: '09:00', to: '17:00' }], { key: 'bad' });
    expect(() => isOpen(bad, 0)).toThrow(/calendar bad: invalid time zone "Mars\/Olympus"/);
    expect(() => nextOpen(bad, 0)).toThrow(/calendar bad/);
    const badTime = cal(SH, [{ days: ALL_DAYS, from: '9:00', to: '17:00' }], { key: 'typo' });
    expect(() => isOpen(badTime, 0)).toThrow(/calendar typo: bad time "9:00"/);
    expect(() => isOpen(office(), Number.NaN)).toThrow(RangeError);
  });
});
