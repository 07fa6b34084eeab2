/**
 * Business-calendar arithmetic (reference/scheduler.md §1.1 "Calendar", §1.3 "Calendars", §2.5). Pure: every
 * function takes the time as an argument, in epoch ms (UTC); durations are ms.
 *
 * A calendar is open during its weekly attendances (Odoo `resource.calendar.attendance`; jBPM
 * `BusinessCalendarImpl` is the one-interval-a-day case), minus holidays (whole local dates) and leaves.
 * `null` stands for the built-in `24x7`: always open.
 *
 * Time-zone rules: attendance times are local times in `cal.tz`, converted with luxon's IANA zone offsets (its
 * `IANAZone`, ~7× cheaper than a `DateTime` per time). A nonexistent local time (spring-forward gap) moves forward
 * by the gap, as luxon's `DateTime` does; an ambiguous one (fall-back) takes the earlier offset, i.e. the first
 * occurrence. `24:00` is the next local date's `00:00`, so it joins a next-day `00:00` start.
 *
 * Walks go local day by day from the local date of the start time (attendances lie within their own local date,
 * so no earlier date can reach into it) and stop at {@link CALENDAR_HORIZON_MS}.
 */
import { IANAZone } from 'luxon';
import type { CalendarDef } from './types';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** 370 days in ms: no walk looks further than this past its start (addBusiness: past the last open time it counted). */
export const CALENDAR_HORIZON_MS = 370 * DAY_MS;

/** Thrown when a walk needs open time and finds none within {@link CALENDAR_HORIZON_MS} (API: 422). */
export class CalendarNeverOpenError extends Error {
  readonly code = 'CALENDAR_NEVER_OPEN' as const;
  constructor(
    /** The calendar's key. */
    readonly calendar: string,
    /** Epoch ms the fruitless search started from. */
    readonly after: number,
  ) {
    super(`calendar ${calendar} has no open time within 370 days after ${new Date(after).toISOString()}`);
    this.name = 'CalendarNeverOpenError';
  }
}

/** `[start, end)` epoch ms. */
type Span = [number, number];

/** One local date of a calendar: `[start, end)` epoch ms and its open spans (sorted, disjoint, leaves cut out). */
type Day = { zone: IANAZone; date: number; start: number; end: number; open: Span[] };

/**
 * The open intervals of `cal` within `[from, to)`: sorted, touching or overlapping ones merged, holidays and leaves
 * cut out. `null` calendar → `[[from, to]]`; `to <= from` → `[]`. Throws on an invalid time zone or `HH:mm`.
 * Odoo's `_attendance_intervals_batch` minus `_leave_intervals_batch`, one local date at a time.
 */
export function openIntervals(cal: CalendarDef | null, from: number, to: number): Array<[number, number]> {
  if (to <= from) return [];
  if (!cal) return [[from, to]];
  if (!Number.isFinite(to)) throw new RangeError(`calendar ${cal.key}: time ${to} is not finite epoch ms`);
  const out: Span[] = [];
  for (let day = dayAt(cal, from); ; day = dayAfter(cal, day)) {
    for (const [s0, e0] of day.open) {
      const s = Math.max(s0, from);
      const e = Math.min(e0, to);
      if (e <= s) continue;
      const last = out[out.length - 1];
      if (last && s <= last[1]) last[1] = Math.max(last[1], e);
      else out.push([s, e]);
    }
    if (day.end >= to) return out;
  }
}

/** True when `cal` is open at `t` (open spans are `[start, end)`: open at a shift's start, closed at its end). */
export function isOpen(cal: CalendarDef | null, t: number): boolean {
  return !cal || dayAt(cal, t).open.some(([s, e]) => s <= t && t < e);
}

/**
 * `t` if open at `t`, else the start of the next open interval within {@link CALENDAR_HORIZON_MS} after `t`;
 * `null` if there is none. `null` calendar → `t`.
 */
export function nextOpen(cal: CalendarDef | null, t: number): number | null {
  if (!cal) return t;
  const limit = t + CALENDAR_HORIZON_MS;
  for (let day = dayAt(cal, t); day.start <= limit; day = dayAfter(cal, day)) {
    const span = day.open.find(([, e]) => e > t);
    if (span) return span[0] <= t ? t : span[0] <= limit ? span[0] : null;
  }
  return null;
}

/**
 * When `cal` is open at `t`: the end of the merged open interval containing `t` ("shift ends at"). `null` has two
 * meanings, told apart by {@link isOpen}: closed at `t`, or open past `t` + {@link CALENDAR_HORIZON_MS} (never
 * closes; always so for the `null` calendar and for one open all week). A 24×7 calendar walks the whole horizon:
 * to ask "does the shift last `d`?" call `covers(cal, t, t + d)`, which walks only `[t, t + d)`.
 */
export function openUntil(cal: CalendarDef | null, t: number): number | null {
  if (!cal) return null;
  const limit = t + CALENDAR_HORIZON_MS;
  let end: number | null = null;
  for (let day = dayAt(cal, t); day.start <= limit; day = dayAfter(cal, day)) {
    for (const [s, e] of day.open) {
      if (end === null) {
        if (e <= t) continue;
        if (s > t) return null; // closed at t
        end = e;
      } else if (s > end) return end;
      else end = e; // starts where the previous day's span ended (24:00 → 00:00)
    }
    if (end === null) return null; // only t's own date can contain t
    if (end < day.end) return end;
  }
  return null; // still open at the horizon
}

/** True when the whole `[from, to)` is open; an empty interval (`to <= from`) is covered. */
export function covers(cal: CalendarDef | null, from: number, to: number): boolean {
  if (to <= from || !cal) return true;
  const spans = openIntervals(cal, from, to);
  return spans.length === 1 && spans[0]![0] === from && spans[0]![1] === to;
}

/** Open ms within `[a, b)`; 0 if `b <= a`. Real elapsed ms, so a spring-forward night counts one hour less. */
export function businessBetween(cal: CalendarDef | null, a: number, b: number): number {
  return openIntervals(cal, a, b).reduce((sum, [s, e]) => sum + e - s, 0);
}

/**
 * The instant at which `ms` of open time has elapsed counting from `t`. Ending exactly at a shift's end returns
 * that end (not the next shift's start); `ms = 0` returns `t` if open, else {@link nextOpen}. `null` calendar →
 * `t + ms`. Throws `RangeError` if `ms` is negative or not finite, and {@link CalendarNeverOpenError} if no open
 * time is found within {@link CALENDAR_HORIZON_MS} after `t` or after the last open time counted. As Odoo's
 * `plan_hours` and jBPM's `BusinessCalendarImpl.calculateBusinessTimeAsDate`: consume open intervals in order.
 */
export function addBusiness(cal: CalendarDef | null, t: number, ms: number): number {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`addBusiness: ms must be finite and >= 0, got ${ms}`);
  if (!cal) return t + ms;
  let left = ms;
  let seen = t; // the horizon counts from here
  for (let day = dayAt(cal, t); ; day = dayAfter(cal, day)) {
    if (day.start > seen + CALENDAR_HORIZON_MS) throw new CalendarNeverOpenError(cal.key, seen);
    for (const [s0, e] of day.open) {
      if (e <= t) continue;
      const s = Math.max(s0, t);
      if (s > seen + CALENDAR_HORIZON_MS) throw new CalendarNeverOpenError(cal.key, seen);
      if (e - s >= left) return s + left;
      left -= e - s;
      seen = e;
    }
  }
}

/** The local date containing `t`. Throws on a `t` outside the ECMAScript time range or an invalid time zone. */
function dayAt(cal: CalendarDef, t: number): Day {
  if (!(Math.abs(t) <= 8.64e15)) throw new RangeError(`calendar ${cal.key}: time ${t} is not epoch ms`);
  const zone = IANAZone.create(cal.tz);
  if (!zone.isValid) throw new Error(`calendar ${cal.key}: invalid time zone "${cal.tz}"`);
  const wall = t + zone.offset(t) * MINUTE_MS;
  return build(cal, zone, wall - mod(wall, DAY_MS));
}

/** The local date after `day`; it starts where `day` ends. */
function dayAfter(cal: CalendarDef, day: Day): Day {
  return build(cal, day.zone, day.date + DAY_MS, day.end);
}

/**
 * A local date is walked as the epoch ms of its midnight read as UTC (`Date.UTC(y, m − 1, d)`); a local wall time
 * on it is `date + minutes × 60 000` in the same reading, which {@link resolver} turns into a real instant.
 */
function build(cal: CalendarDef, zone: IANAZone, date: number, start?: number): Day {
  const at = resolver(zone, date);
  const day = new Date(date); // a calendar date, not the clock
  const iso = day.toISOString().slice(0, 10);
  const weekday = day.getUTCDay() || 7;
  const ordinal = (date - Date.UTC(day.getUTCFullYear(), 0, 1)) / DAY_MS + 1;
  const parity = Math.floor((ordinal - 1) / 7) % 2;
  const spans: Span[] = [];
  if (!cal.holidays.includes(iso)) {
    for (const a of cal.attendances) {
      if (!a.days.includes(weekday)) continue;
      if (a.weekParity !== undefined && a.weekParity !== parity) continue;
      if ((a.validFrom && iso < a.validFrom) || (a.validTo && iso > a.validTo)) continue;
      const s = at(date + minutes(cal, a.from) * MINUTE_MS);
      const e = at(date + minutes(cal, a.to) * MINUTE_MS);
      if (e > s) spans.push([s, e]); // a DST gap can empty a span
    }
  }
  return { zone, date, start: start ?? at(date), end: at(date + DAY_MS), open: cutLeaves(merge(spans), cal) };
}

/** `HH:mm` (`00:00`–`24:00`) → minutes since local midnight. */
function minutes(cal: CalendarDef, hhmm: string): number {
  const m = /^(\d\d):(\d\d)$/.exec(hhmm);
  const [h, min] = m ? [Number(m[1]), Number(m[2])] : [NaN, NaN];
  if ((h < 24 && min < 60) || (h === 24 && min === 0)) return h * 60 + min;
  throw new Error(`calendar ${cal.key}: bad time "${hhmm}" (HH:mm, 00:00–24:00)`);
}

/**
 * Wall time (UTC reading) → epoch ms for the wall times of one local date. Offsets a day before and two days after
 * the date bracket all its instants; equal offsets mean no transition (two within three days do not occur in
 * practice), so most days cost two `offset` look-ups. Near a transition each wall time is tried with both offsets:
 * both valid = overlap → the earlier instant; neither = gap → the offset before it, which reads later (forward,
 * as luxon does).
 */
function resolver(zone: IANAZone, date: number): (wall: number) => number {
  const before = zone.offset(date - DAY_MS);
  const after = zone.offset(date + 2 * DAY_MS);
  if (before === after) return (wall) => wall - before * MINUTE_MS;
  return (wall) => {
    const a = wall - before * MINUTE_MS;
    const b = wall - after * MINUTE_MS;
    const aFits = zone.offset(a) === before;
    const bFits = zone.offset(b) === after;
    return aFits && bFits ? Math.min(a, b) : bFits ? b : a;
  };
}

const mod = (n: number, m: number) => ((n % m) + m) % m;

/** Sorts and joins overlapping or touching spans. */
function merge(spans: Span[]): Span[] {
  spans.sort((p, q) => p[0] - q[0]);
  const out: Span[] = [];
  for (const [s, e] of spans) {
    const last = out[out.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

/** Removes the calendar's leaves (`[from, to)`) from sorted disjoint spans. */
function cutLeaves(spans: Span[], cal: CalendarDef): Span[] {
  let out = spans;
  for (const leave of cal.leaves) {
    if (out.length === 0) break;
    const cut: Span[] = [];
    for (const [s, e] of out) {
      if (leave.to <= s || leave.from >= e || leave.to <= leave.from) cut.push([s, e]);
      else {
        if (s < leave.from) cut.push([s, leave.from]);
        if (leave.to < e) cut.push([leave.to, e]);
      }
    }
    out = cut;
  }
  return out;
}
