import { covers, openIntervals } from './calendar';
import type { ResourceFit } from './select';
import type { CalendarDef } from './types';

/**
 * Co-allocation of rooms and machines (reference/scheduler.md §2.4): a task that needs resources gets every slot
 * it needs for I = [now, now + expected duration) or none, and when it cannot, the earliest time it could.
 * Pure: the store reads the resources of the types and their bookings overlapping the search window.
 */

/** How far ahead {@link fitResources} looks for a retry time: 7 days (ms). */
export const RETRY_HORIZON_MS = 7 * 24 * 3_600_000;

/** A resource as the scheduler sees it: `capacity` slots 0…capacity−1. */
export type ResourceView = {
  key: string;
  type: string;
  capacity: number;
  state: 'available' | 'blocked' | 'retired';
  calendar: CalendarDef | null;
};

/**
 * A held or active booking of one slot over `[from, to)` ms (released and cancelled ones are not passed in);
 * `pid` is the task it is for (null: booked from outside).
 */
export type BookingView = { resource: string; slot: number; from: number; to: number; pid?: number | null };

/** Resources of the needed types and their live bookings, as read for one decision. */
export type ResourceSnapshot = { resources: ResourceView[]; bookings: BookingView[] };

/** One requirement: `quantity` slots of resources of `type`. */
export type ResourceNeed = { type: string; quantity: number };

/** One slot to book. */
export type SlotPlan = { type: string; resource: string; slot: number; from: number; to: number };

/** True when `[a, b)` and `[c, d)` overlap (half-open: touching intervals do not). */
const overlaps = (a: number, b: number, c: number, d: number) => a < d && c < b;

/**
 * Picks slots for every need over `[from, from + durationMs)`: by (resource key, slot), from resources that are
 * available, whose calendar covers the whole interval, and whose slot has no booking overlapping it.
 * @returns the plan, or null when some need cannot be met
 */
export function planSlots(
  needs: readonly ResourceNeed[],
  snapshot: ResourceSnapshot,
  from: number,
  durationMs: number,
): SlotPlan[] | null {
  const to = from + durationMs;
  const taken = new Set<string>();
  for (const b of snapshot.bookings) if (overlaps(from, to, b.from, b.to)) taken.add(`${b.resource}#${b.slot}`);
  const resources = [...snapshot.resources].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const plan: SlotPlan[] = [];
  for (const need of needs) {
    let left = need.quantity;
    for (const r of resources) {
      if (left === 0) break;
      if (r.type !== need.type || r.state !== 'available' || !covers(r.calendar, from, to)) continue;
      for (let slot = 0; slot < r.capacity && left > 0; slot++) {
        const id = `${r.key}#${slot}`;
        if (taken.has(id)) continue;
        taken.add(id);
        plan.push({ type: need.type, resource: r.key, slot, from, to });
        left--;
      }
    }
    if (left > 0) return null;
  }
  return plan;
}

const distinct = (types: string[]): string[] => [...new Set(types)].sort();

/**
 * All-or-nothing fit of a task's resource needs at `now` (reference §2.4).
 * @returns `{fit: true, plan}`, or `{fit: false, reason, retryAt, types}` (`types`: those that do not fit, sorted):
 *   `blocked` when some type has too few slots
 *   even with every booking gone and every calendar open (a blocked, retired or missing resource; retryAt null,
 *   a state change wakes it), `closed` when a calendar is what is missing now, else `busy`; `retryAt` is the
 *   earliest instant within {@link RETRY_HORIZON_MS} at which the whole plan would fit (a booking's end or a
 *   calendar opening), or null when there is none
 */
export function fitResources(
  needs: readonly ResourceNeed[],
  snapshot: ResourceSnapshot,
  now: number,
  durationMs: number,
): ResourceFit<SlotPlan[]> {
  const plan = planSlots(needs, snapshot, now, durationMs);
  if (plan) return { fit: true, plan };
  const usable = snapshot.resources.filter((r) => r.state === 'available');
  const blocked = needs
    .filter((need) => usable.filter((r) => r.type === need.type).reduce((n, r) => n + r.capacity, 0) < need.quantity)
    .map((need) => need.type);
  if (blocked.length > 0) return { fit: false, reason: 'blocked', retryAt: null, types: distinct(blocked) };
  const free = planSlots(needs, { resources: usable, bookings: [] }, now, durationMs);
  const reason = free ? 'busy' : 'closed';
  // The types that do not fit on their own now; when each fits alone but not together, all of them.
  const alone = needs.filter((need) => !planSlots([need], snapshot, now, durationMs)).map((need) => need.type);
  return {
    fit: false,
    reason,
    retryAt: retryAt(needs, { resources: usable, bookings: snapshot.bookings }, now, durationMs),
    types: distinct(alone.length > 0 ? alone : needs.map((need) => need.type)),
  };
}

/**
 * The earliest t in (now, now + {@link RETRY_HORIZON_MS}] at which {@link planSlots} succeeds, or null. Only
 * instants where something frees can be the first fit: a booking's end, or the start of a calendar's open interval.
 */
export function retryAt(
  needs: readonly ResourceNeed[],
  snapshot: ResourceSnapshot,
  now: number,
  durationMs: number,
): number | null {
  const until = now + RETRY_HORIZON_MS;
  const times = new Set<number>();
  for (const b of snapshot.bookings) if (b.to > now && b.to <= until) times.add(b.to);
  for (const r of snapshot.resources)
    if (r.calendar) for (const [start] of openIntervals(r.calendar, now, until)) if (start > now) times.add(start);
  for (const t of [...times].sort((a, b) => a - b)) if (planSlots(needs, snapshot, t, durationMs)) return t;
  return null;
}
