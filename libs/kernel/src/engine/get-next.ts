import type { DesignIndex } from '../design/kernel-design';
import { KernelError } from '../errors/kernel-error';
import type { OperatorSchedState, SchedulerStore } from '../ports/ports';
import { isOpen, nextOpen, openUntil } from '../scheduler/calendar';
import { calendarOf, operatorOwner } from '../scheduler/design';
import { explain, type Explanation } from '../scheduler/explain';
import { checkSkills, lanesFor, parseSig } from '../scheduler/lanes';
import { fitsCapacity } from '../scheduler/load';
import { chooseTask, MAX_ALTERNATIVES, type QueueCandidate, type TaskChoice } from '../scheduler/select';
import type { Pcb } from '../pcb/pcb';
import type { SlotPlan } from '../scheduler/resources';
import { fitHeads } from './bookings';
import type { Actor } from './types';

/** Most times get-next asks the lanes again after every head failed to fit. */
export const MAX_ROUNDS = 3;

/** Options of get-next (`Kernel.assignNext`). */
export type AssignNextOptions = {
  /** The design version whose lanes, skills and settings apply (the current one). */
  designVersion: number;
  /** Also start the task (READY → RUNNING). */
  start?: boolean;
  /** Decide and explain, but the caller writes nothing (mode `preview`). */
  dryRun?: boolean;
};

/**
 * What get-next decided before anything is written: the chosen lane head (null when only deferrals are left),
 * the slots to book for it, the heads whose resources do not fit now (to defer), and why.
 */
export type NextChoice =
  | { chosen: QueueCandidate; plan: SlotPlan[]; deferred: TaskChoice<SlotPlan[]>['deferred']; explanation: Explanation }
  | { chosen: null; plan: []; deferred: TaskChoice<SlotPlan[]>['deferred']; explanation: null };

/** Most heads one get-next defers (reference §2.2: ≤ 3). */
export const MAX_DEFERRALS = 3;

/**
 * An operator's scheduling state, locked: their `operator_state` row, or — without one — available, load 0, with
 * the design's capacity, calendar and skills.
 */
export async function operatorProfile(
  store: SchedulerStore,
  index: DesignIndex,
  key: string,
): Promise<OperatorSchedState> {
  return (await store.operatorState(key)) ?? designProfile(index, key);
}

/** A state for an operator without one: available, load 0, the design's capacity, calendar and skills. */
export function designProfile(index: DesignIndex, key: string): OperatorSchedState {
  const op = index.scheduler.operators.get(key);
  return {
    presence: 'available',
    load: 0,
    lastAssignedAt: null,
    capacity: op?.capacity ?? null,
    calendar: op?.calendar ?? null,
    skills: op?.skills ?? [],
  };
}

/**
 * Pull (reference/scheduler.md §2.2; with `only`, an offer of push work: the lanes it admits, mode `push`): checks the operator is available and has room, then takes the best of the
 * lane heads of every lane their roles and skills admit them to (one store read; the heads' PCBs are locked
 * `SKIP LOCKED`, so two operators asking at once get different tasks).
 * @returns the choice, or null when no lane has a task that fits
 * @throws KernelError NOT_AVAILABLE (presence, off shift or on leave; `details.nextShiftAt` ISO-8601 or null),
 *   CAPACITY_FULL (no room for even a weight-1 task)
 */
export async function chooseNext(
  store: SchedulerStore,
  index: DesignIndex,
  actor: Actor,
  now: number,
  dryRun: boolean,
  only: ((lane: string) => boolean) | null = null,
  pcbOf: ((pid: number) => Promise<Pcb>) | null = null,
): Promise<NextChoice | null> {
  const sched = index.scheduler;
  const state = await operatorProfile(store, index, actor.key);
  const op = state;
  if (state.presence !== 'available')
    throw new KernelError('NOT_AVAILABLE', `you are ${state.presence}: set your presence to available first`, {
      reason: 'presence',
      presence: state.presence,
    });
  const calendar = calendarOf(sched, op.calendar, operatorOwner(actor.key));
  if (!isOpen(calendar, now)) {
    // On leave: the shift itself is open now, only the operator's own leave closes it.
    const leave = isOpen(calendarOf(sched, op.calendar), now);
    const next = nextOpen(calendar, now);
    throw new KernelError('NOT_AVAILABLE', leave ? 'you are on leave now' : 'you are off shift now', {
      reason: leave ? 'leave' : 'off_shift',
      calendar: op.calendar,
      nextShiftAt: next === null ? null : new Date(next).toISOString(),
    });
  }
  if (!fitsCapacity(state.load, op.capacity, 1))
    throw new KernelError('CAPACITY_FULL', `you carry ${state.load} of your capacity ${op.capacity}`, {
      load: state.load,
      capacity: op.capacity,
    });
  const lanes = lanesFor(actor.roles, op.skills, sched.lanes).filter((lane) => !only || only(lane));
  if (lanes.length === 0) return null;
  // Heads that do not fit are left out and the lanes asked again, at most MAX_ROUNDS times (Pega skips them too).
  const exclude: number[] = [];
  const alternatives: TaskChoice<SlotPlan[]>['alternatives'] = [];
  const deferred: TaskChoice<SlotPlan[]>['deferred'] = [];
  let considered = 0;
  let choice: TaskChoice<SlotPlan[]> | null = null;
  for (let round = 0; round < MAX_ROUNDS && !choice?.chosen; round++) {
    const heads = await store.laneHeads(lanes, exclude, now);
    if (heads.length === 0) break;
    considered += new Set(heads.map((h) => h.pid)).size;
    const fit = pcbOf ? await fitHeads(store, index, heads, pcbOf, now) : () => ({ fit: true as const, plan: [] });
    choice = chooseTask<SlotPlan[]>(heads, { load: state.load, capacity: op.capacity }, fit);
    for (const d of choice.deferred) if (deferred.length < MAX_DEFERRALS) deferred.push(d);
    for (const a of choice.alternatives) if (alternatives.length < MAX_ALTERNATIVES) alternatives.push(a);
    exclude.push(...heads.map((h) => h.pid));
  }
  const chosen = choice?.chosen ?? null;
  if (!choice || !chosen) return deferred.length > 0 ? { chosen: null, plan: [], deferred, explanation: null } : null;
  const explanation = explain(chosen, {
    mode: dryRun ? 'preview' : only ? 'push' : 'pull',
    operator: actor.key,
    now,
    settings: sched.settings,
    fairnessWeight: 1,
    skills: checkSkills(op.skills, parseSig(chosen.lane.slice(chosen.lane.indexOf('|') + 1))).checks,
    capacity: { loadBefore: state.load, weight: chosen.weight, capacity: op.capacity },
    availability: {
      presence: state.presence,
      onShift: true,
      shiftEndsAt: calendar ? openUntil(calendar, now) : null,
    },
    alternatives: alternatives.filter((a) => a.candidate.pid !== chosen.pid),
    candidatesConsidered: considered,
    resources: (choice.plan ?? []).map((p) => ({ ...p })),
    deferred: deferred.map((d) => d.candidate.pid),
  });
  return { chosen, plan: choice.plan ?? [], deferred, explanation };
}
