import type { Pcb } from '../pcb/pcb';
import { laneTailKey, type SchedulerStore } from '../ports/ports';
import { serviceSchedule } from '../scheduler/design';
import { lanesOf, requirementsOf } from '../scheduler/lanes';
import { loadDelta } from '../scheduler/load';
import { effectiveArrival, enqueueTag, pointsOf, rankOf } from '../scheduler/rank';
import type { RunContext } from './run-context';
import { noSchedulerChanges, type Effect, type LaneEntry, type SchedulerChanges } from './types';

/**
 * The ready queue and operator load as every command keeps them (reference/scheduler.md §4 "Run.apply and
 * Run.update … derive queue changes from each (before, after) pair"): at the end of a command, each PCB it wrote
 * is compared with what it was. A task *waits* while it is READY, unassigned and due ({@link waits}); it then has one lane row per
 * candidate role (`role|skills`). Entering gives it fairness tags (VirtualClock over the lane's fairness key) —
 * or its kept `queueTag` when it re-enters (unclaim, resume), so it keeps its place; a change of priority,
 * urgency or roles while waiting re-ranks it; leaving removes its rows. Load moves by the task's weight when its
 * carrier changes ({@link loadDelta}).
 */

type Queueable = Pick<Pcb, 'kind' | 'state' | 'assignee' | 'scheduledAt'>;

/**
 * A task waits in the ready queue while READY, unassigned and due at `at` (epoch ms): no `scheduledAt`, or it has
 * come. Judge a PCB as it was before a command at its own `updatedAt` (when it was last written), and as it is
 * after at the command's time — so an appointment enters its lanes in the first command at or after its time.
 */
export const waits = (p: Queueable, at: number): boolean =>
  p.kind === 'task' && p.state === 'READY' && p.assignee === null && (p.scheduledAt === null || p.scheduledAt <= at);

/**
 * A task held back until its `scheduledAt` (an appointment), or a system process whose automation starts then:
 * READY and unassigned, but scheduled after `at`.
 */
export const heldBack = (p: Queueable, at: number): boolean =>
  (p.kind === 'task' || p.kind === 'system') &&
  p.state === 'READY' &&
  p.assignee === null &&
  p.scheduledAt !== null &&
  p.scheduledAt > at;

/** The key of the timer that puts an appointment into its lanes when its time comes. */
export const scheduledTimerKey = (pid: number): string => `scheduled:${pid}`;

/**
 * The appointment timers a command sets or cancels: a task that becomes held back (or is rescheduled while held
 * back) gets a `scheduled` timer at its `scheduledAt`; one that stops being held back (claimed, cancelled) has it
 * cancelled.
 */
export function scheduledTimers(run: RunContext): Effect[] {
  const effects: Effect[] = [];
  for (const { before, after } of run.uow.pairs()) {
    const was = before !== null && heldBack(before, before.updatedAt);
    const is = heldBack(after, run.now);
    if (is && !(was && before.scheduledAt === after.scheduledAt))
      effects.push({
        kind: 'timer.set',
        timer: { key: scheduledTimerKey(after.pid), pid: after.pid, purpose: 'scheduled', dueAt: after.scheduledAt! },
      });
    else if (was && !is) effects.push({ kind: 'timer.cancel', key: scheduledTimerKey(after.pid) });
  }
  return effects;
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Works out the command's {@link SchedulerChanges} and stamps each task entering the queue with its `queueTag`
 * (a write of the working copy, without an audit row: the tag is bookkeeping). One store read, for the lane tails
 * and fairness weights of the tasks that enter without a kept tag.
 */
export async function planQueue(run: RunContext, store: SchedulerStore | null): Promise<SchedulerChanges> {
  const changes: SchedulerChanges = noSchedulerChanges();
  type Entering = { pcb: Pcb; lanes: string[]; resourceTypes: string[] };
  const entering: Entering[] = [];
  const loads = new Map<string, { delta: number; assigned: boolean }>();
  for (const { before, after } of run.uow.pairs()) {
    const schedule = serviceSchedule((await run.design(after.designVersion)).scheduler, after.service);
    for (const d of loadDelta(before, after, after.weight)) {
      const l = loads.get(d.operator) ?? { delta: 0, assigned: false };
      l.delta += d.delta;
      if (d.delta > 0 && before?.assignee !== d.operator) l.assigned = true;
      loads.set(d.operator, l);
    }
    const was = before !== null && waits(before, before.updatedAt);
    if (!waits(after, run.now)) {
      if (was) changes.dequeue.push({ pid: after.pid, keep: [] });
      continue;
    }
    const lanes = lanesOf(after.candidateRoles, requirementsOf(schedule.requirements, after.skillsRelaxed));
    if (
      was &&
      sameList(lanesOf(before.candidateRoles, requirementsOf(schedule.requirements, before.skillsRelaxed)), lanes) &&
      before.priority === after.priority &&
      before.urgency === after.urgency
    )
      continue;
    if (was) changes.dequeue.push({ pid: after.pid, keep: lanes });
    entering.push({ pcb: after, lanes, resourceTypes: schedule.resources.map((r) => r.type) });
  }
  // By operator key: every command updates operator rows in one order (no lock-order deadlocks between them).
  for (const [operator, l] of [...loads].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    if (l.delta !== 0 || l.assigned) changes.load.push({ operator, ...l });

  // Fairness history of the lanes entered without a kept tag, one read for all.
  const fresh = entering.filter((e) => e.pcb.queueTag === null);
  const wanted = new Map<string, { lane: string; fairnessKey: string }>();
  for (const e of fresh)
    for (const lane of e.lanes)
      wanted.set(laneTailKey(lane, e.pcb.fairnessKey), { lane, fairnessKey: e.pcb.fairnessKey });
  const tails = store && wanted.size > 0 ? await store.laneTails([...wanted.values()]) : new Map();
  const last = new Map<string, number | null>([...tails].map(([k, v]) => [k, v.tail]));

  for (const { pcb, lanes, resourceTypes } of entering) {
    const settings = (await run.design(pcb.designVersion)).scheduler.settings;
    const points = pointsOf(pcb.priority, pcb.urgency);
    const tags = lanes.map((lane) => {
      if (pcb.queueTag !== null) return pcb.queueTag;
      const key = laneTailKey(lane, pcb.fairnessKey);
      const weight = tails.get(key)?.weight ?? 1;
      const tag = enqueueTag(
        last.get(key) ?? null,
        effectiveArrival(run.now, pcb.queuedMs),
        pcb.weight,
        weight,
        settings,
      );
      last.set(key, tag); // a second task of the same key and lane in this command queues behind this one
      return tag;
    });
    lanes.forEach((lane, i) => {
      const entry: LaneEntry = {
        lane,
        pid: pcb.pid,
        fairnessKey: pcb.fairnessKey,
        ...rankOf(tags[i]!, points, settings),
        tag: tags[i]!,
        weight: pcb.weight,
        resourceTypes,
        queuedAt: run.now,
      };
      changes.enqueue.push(entry);
    });
    if (pcb.queueTag === null && tags.length > 0) run.uow.put({ ...pcb, queueTag: Math.min(...tags) });
  }
  return changes;
}
