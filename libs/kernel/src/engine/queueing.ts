import type { Pcb } from '../pcb/pcb';
import { laneTailKey, type SchedulerStore } from '../ports/ports';
import { serviceSchedule } from '../scheduler/design';
import { lanesOf } from '../scheduler/lanes';
import { loadDelta } from '../scheduler/load';
import { effectiveArrival, enqueueTag, pointsOf, rankOf } from '../scheduler/rank';
import type { RunContext } from './run-context';
import { noSchedulerChanges, type LaneEntry, type SchedulerChanges } from './types';

/**
 * The ready queue and operator load as every command keeps them (reference/scheduler.md §4 "Run.apply and
 * Run.update … derive queue changes from each (before, after) pair"): at the end of a command, each PCB it wrote
 * is compared with what it was. A task *waits* while it is READY and unassigned; it then has one lane row per
 * candidate role (`role|skills`). Entering gives it fairness tags (VirtualClock over the lane's fairness key) —
 * or its kept `queueTag` when it re-enters (unclaim, resume), so it keeps its place; a change of priority,
 * urgency or roles while waiting re-ranks it; leaving removes its rows. Load moves by the task's weight when its
 * carrier changes ({@link loadDelta}).
 */

/** A task waits in the ready queue while READY and unassigned. */
export const waits = (p: Pick<Pcb, 'kind' | 'state' | 'assignee'>): boolean =>
  p.kind === 'task' && p.state === 'READY' && p.assignee === null;

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
    const was = before !== null && waits(before);
    if (!waits(after)) {
      if (was) changes.dequeue.push({ pid: after.pid, keep: [] });
      continue;
    }
    const lanes = lanesOf(after.candidateRoles, schedule.requirements);
    if (
      was &&
      sameList(lanesOf(before.candidateRoles, schedule.requirements), lanes) &&
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
