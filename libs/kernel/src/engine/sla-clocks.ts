import type { SchedulerStore } from '../ports/ports';
import { serviceSchedule } from '../scheduler/design';
import { slaOnTransition, type SlaClock } from '../scheduler/sla';
import { heldBack } from './queueing';
import type { RunContext } from './run-context';
import type { Effect, SchedulerChanges } from './types';

/** The key of a process's SLA timer (its clock's next milestone). */
export const slaTimerKey = (pid: number): string => `sla:${pid}`;

/**
 * SLA clocks as every command keeps them (reference/scheduler.md §2.5): for each PCB the command wrote whose
 * service has an SLA, the clock starts (first READY — for an appointment, when its time comes; RUNNING for a
 * program instance), pauses, resumes or stops
 * by the transition ({@link slaOnTransition}); its timer follows `nextDueAt`. One store read per such process
 * that already had a clock (none for the many services without an SLA).
 * @param known clocks the command already holds (a firing milestone's new clock), by pid
 * @returns the clock upserts and the timer effects
 */
export async function planSla(
  run: RunContext,
  store: SchedulerStore | null,
  known: ReadonlyMap<number, SlaClock> = new Map(),
): Promise<{ upserts: SchedulerChanges['sla']; effects: Effect[] }> {
  const upserts: SchedulerChanges['sla'] = [];
  const effects: Effect[] = [];
  if (!store) return { upserts, effects };
  const pairs = run.uow.pairs();
  // A milestone that changed no PCB field (urgency already at the cap) still moves its clock on.
  for (const pid of known.keys())
    if (!pairs.some((p) => p.after.pid === pid)) {
      const pcb = await run.uow.load(pid);
      pairs.push({ before: pcb, after: pcb });
    }
  for (const { before, after } of pairs) {
    const index = await run.design(after.designVersion);
    const key = serviceSchedule(index.scheduler, after.service).sla;
    const def = key ? index.scheduler.slas.get(key) : undefined;
    if (!def) continue;
    const stored = known.get(after.pid) ?? (before === null ? null : await store.slaClock(after.pid));
    // An appointment's clock starts when its time comes (its `scheduled` timer), not when it was booked.
    if (stored === null && heldBack(after, run.now)) continue;
    const next = slaOnTransition(def, stored, after, run.now, after.kind === 'program' ? 'RUNNING' : 'READY');
    const changed = known.has(after.pid) || next !== stored;
    if (!next || !changed) continue;
    upserts.push({ pid: after.pid, clock: next });
    const timerKey = slaTimerKey(after.pid);
    if (next.nextDueAt !== null)
      effects.push({
        kind: 'timer.set',
        timer: { key: timerKey, pid: after.pid, purpose: 'sla', dueAt: next.nextDueAt },
      });
    else if (stored && stored.nextDueAt !== null) effects.push({ kind: 'timer.cancel', key: timerKey });
  }
  return { upserts, effects };
}
