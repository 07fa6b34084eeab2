import type { DesignIndex } from '../design/kernel-design';
import type { Pcb } from '../pcb/pcb';
import type { SchedulerStore } from '../ports/ports';
import { calendarOf, serviceSchedule } from '../scheduler/design';
import { fitResources, RETRY_HORIZON_MS, type SlotPlan } from '../scheduler/resources';
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
  const types = [...new Set(needing.flatMap((h) => h.resourceTypes))];
  const raw = await store.resourceSnapshot(types, now, now + RETRY_HORIZON_MS);
  const snapshot = {
    resources: raw.resources.map((r) => ({ ...r, calendar: calendarOf(index.scheduler, r.calendar) })),
    bookings: raw.bookings,
  };
  const fits = new Map<number, ResourceFit<SlotPlan[]>>();
  for (const h of needing) {
    const schedule = serviceSchedule(index.scheduler, (await pcbOf(h.pid)).service);
    fits.set(h.pid, fitResources(schedule.resources, snapshot, now, schedule.expectedMs));
  }
  return (c) => fits.get(c.pid) ?? { fit: true, plan: [] };
}

/**
 * The bookings a command ends, derived from each PCB it wrote whose service needs resources: a task that
 * terminated releases its live bookings (cut at now), one that went back to the pool cancels them; either
 * way tasks waiting for those resource types are woken (`wake` effect).
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
    if (!terminated && !unassigned) continue;
    end.push({ pid: after.pid, status: terminated ? 'released' : 'cancelled', at: run.now });
    for (const n of needs) types.add(n.type);
  }
  return { end, effects: types.size > 0 ? [{ kind: 'wake', types: [...types].sort() }] : [] };
}
