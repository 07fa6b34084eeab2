import type { DesignIndex } from '../design/kernel-design';
import type { Pcb } from '../pcb/pcb';
import type { SchedulerStore } from '../ports/ports';
import { calendarOf, resourceOwner, serviceSchedule } from '../scheduler/design';
import { fitResources, RETRY_HORIZON_MS, type ResourceSnapshot, type SlotPlan } from '../scheduler/resources';
import type { QueueCandidate, ResourceFit } from '../scheduler/select';
import type { RunContext } from './run-context';
import type { Effect, SchedulerChanges } from './types';

/**
 * Rooms and machines booked with the person (reference/scheduler.md §2.4): fitting lane heads that need
 * resources, and ending the bookings of tasks that end or go back to the pool.
 */

/** The wait reason of a task waiting for resources starts with this. */
export const RESOURCE_WAIT = 'resource:';

/** The key of a task's resource retry timer. */
export const resourceRetryKey = (pid: number): string => `resource_retry:${pid}`;

/** One read of the resources of `types` and their live bookings up to the retry horizon, calendars resolved. */
async function snapshotOf(
  store: SchedulerStore,
  index: DesignIndex,
  types: readonly string[],
  now: number,
): Promise<ResourceSnapshot> {
  const raw = await store.resourceSnapshot([...new Set(types)], now, now + RETRY_HORIZON_MS);
  return {
    resources: raw.resources.map((r) => ({
      ...r,
      calendar: calendarOf(index.scheduler, r.calendar, resourceOwner(r.key)),
    })),
    bookings: raw.bookings,
  };
}

/** A slot a command books for a task (what `Changeset.scheduler.bookings.hold` carries). */
export type Hold = SchedulerChanges['bookings']['hold'][number];

/**
 * The rooms and machines a task needs, booked for someone taking it by hand (claim, transfer, an SLA
 * reassignment): all of them for `[now, now + expected duration)`, or none. A task that already holds live
 * bookings keeps them (nothing new is booked).
 * @returns the slots to hold (and the plan they come from), or why they cannot be (`busy|closed|blocked`, and when they would fit)
 */
export async function bookForTake(
  store: SchedulerStore,
  index: DesignIndex,
  pcb: Pcb,
  now: number,
): Promise<
  { plan: SlotPlan[]; holds: Hold[] } | { refused: { types: string[]; reason: string; retryAt: number | null } }
> {
  const schedule = serviceSchedule(index.scheduler, pcb.service);
  if (schedule.resources.length === 0) return { plan: [], holds: [] };
  const types = [...new Set(schedule.resources.map((r) => r.type))];
  const snapshot = await snapshotOf(store, index, types, now);
  if (snapshot.bookings.some((b) => b.pid === pcb.pid)) return { plan: [], holds: [] };
  const fit = fitResources(schedule.resources, snapshot, now, schedule.expectedMs);
  if (!fit.fit) return { refused: { types: fit.types ?? types, reason: fit.reason, retryAt: fit.retryAt } };
  return {
    plan: fit.plan,
    holds: fit.plan.map((p) => ({ pid: pcb.pid, resource: p.resource, slot: p.slot, from: p.from, to: p.to })),
  };
}

/**
 * Fits every head that needs resources against one snapshot of their types' resources and bookings (one store
 * read), for `[now, now + expected duration)`.
 * @param pcbOf the locked PCB of a head (to know its service)
 * @returns the fit of a candidate (heads without resources always fit, with an empty plan)
 */
export async function fitHeads(
  store: SchedulerStore,
  index: DesignIndex,
  heads: readonly QueueCandidate[],
  pcbOf: (pid: number) => Promise<Pcb>,
  now: number,
): Promise<(c: QueueCandidate) => ResourceFit<SlotPlan[]>> {
  const needing = heads.filter((h) => h.resourceTypes.length > 0);
  if (needing.length === 0) return () => ({ fit: true, plan: [] });
  const snapshot = await snapshotOf(
    store,
    index,
    needing.flatMap((h) => h.resourceTypes),
    now,
  );
  const fits = new Map<number, ResourceFit<SlotPlan[]>>();
  for (const h of needing) {
    const schedule = serviceSchedule(index.scheduler, (await pcbOf(h.pid)).service);
    fits.set(h.pid, fitResources(schedule.resources, snapshot, now, schedule.expectedMs));
  }
  return (c) => fits.get(c.pid) ?? { fit: true, plan: [] };
}

/**
 * The bookings a command moves on, derived from each PCB it wrote whose service needs resources: a task that
 * started puts its held bookings in use (`active`); one that terminated releases its live bookings (cut at now),
 * one that went back to the pool cancels them — and those two wake the tasks waiting for those resource types
 * (`wake` effect).
 */
export async function planBookingEnds(
  run: RunContext,
): Promise<{ end: SchedulerChanges['bookings']['end']; effects: Effect[] }> {
  const end: SchedulerChanges['bookings']['end'] = [];
  const types = new Set<string>();
  for (const { before, after } of run.uow.pairs()) {
    if (!before || after.kind !== 'task') continue;
    const needs = serviceSchedule((await run.design(after.designVersion)).scheduler, after.service).resources;
    if (needs.length === 0) continue;
    const terminated = before.state !== 'TERMINATED' && after.state === 'TERMINATED';
    const unassigned = before.assignee !== null && after.assignee === null && after.state !== 'TERMINATED';
    if (!terminated && !unassigned) {
      if (before.state !== 'RUNNING' && after.state === 'RUNNING')
        end.push({ pid: after.pid, status: 'active', at: run.now });
      // Parked (suspended, waiting, failed) or handed on before it ran: the booking is bounded by its range again.
      else if (before.state === 'RUNNING' && after.state !== 'RUNNING')
        end.push({ pid: after.pid, status: 'held', at: run.now });
      continue;
    }
    end.push({ pid: after.pid, status: terminated ? 'released' : 'cancelled', at: run.now });
    for (const n of needs) types.add(n.type);
  }
  return { end, effects: types.size > 0 ? [{ kind: 'wake', types: [...types].sort() }] : [] };
}
