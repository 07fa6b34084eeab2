import type { DesignIndex } from '../design/kernel-design';
import type { Pcb } from '../pcb/pcb';
import type { SchedulerStore } from '../ports/ports';
import { isOpen } from '../scheduler/calendar';
import { calendarOf, operatorOwner, serviceSchedule } from '../scheduler/design';
import { explain, type Explanation } from '../scheduler/explain';
import { checkSkills, lanesOf, requirementsOf } from '../scheduler/lanes';
import { fitsCapacity } from '../scheduler/load';
import { rankOperators, type OperatorCandidate } from '../scheduler/select';
import type { Distribution } from '../scheduler/types';
import type { RunContext } from './run-context';
import type { Effect, SchedulerChanges } from './types';
import { designProfile, operatorProfile } from './get-next';

/** Most operators push compares for one task (reference/scheduler.md §2.3: ≤ 32). */
export const PUSH_CANDIDATES = 32;

/** The distribution of a role: its own, else the design's. */
export const distributionOf = (index: DesignIndex, role: string): Distribution =>
  index.scheduler.roles.get(role)?.distribution ?? index.scheduler.settings.distribution;

/** The candidate roles of a task whose work is pushed. */
export const pushRoles = (index: DesignIndex, pcb: Pick<Pcb, 'candidateRoles'>): string[] =>
  pcb.candidateRoles.filter((r) => distributionOf(index, r) === 'push');

/**
 * Push (reference/scheduler.md §2.3): ranks the operators of a waiting task's push roles — available (presence,
 * on shift), with room for its weight and the skills it needs; the starter first, skill surplus, then most
 * capacity or last assigned — and takes the first whose locked state still has room.
 * @returns the operator and the explanation, or null when nobody fits (the task waits for an offer)
 */
export async function choosePush(
  store: SchedulerStore,
  index: DesignIndex,
  pcb: Pcb,
  now: number,
): Promise<{ operator: string; explanation: Explanation } | null> {
  const roles = pushRoles(index, pcb);
  if (roles.length === 0) return null;
  // An appointment waits in no lane before its time (its `scheduled` timer puts it there, and it is pushed then).
  if (pcb.scheduledAt !== null && pcb.scheduledAt > now) return null;
  const sched = index.scheduler;
  const schedule = serviceSchedule(sched, pcb.service);
  // A task that needs rooms or machines is booked with its operator by get-next and offers, which fit resources.
  if (schedule.resources.length > 0) return null;
  const requirements = requirementsOf(schedule.requirements, pcb.skillsRelaxed);
  const found = await store.pushCandidates(roles, PUSH_CANDIDATES);
  const candidates: OperatorCandidate[] = found.map(({ key, state }) => {
    const p = state ?? designProfile(index, key);
    return {
      key,
      available: p.presence === 'available' && isOpen(calendarOf(sched, p.calendar, operatorOwner(key)), now),
      load: p.load,
      capacity: p.capacity,
      skills: p.skills,
      lastAssignedAt: p.lastAssignedAt,
    };
  });
  const assignBy = sched.roles.get(roles[0]!)?.assignBy ?? sched.settings.assignBy;
  const { ranked } = rankOperators(
    candidates,
    { weight: pcb.weight, requirements, starter: pcb.creator },
    { ...sched.settings, assignBy },
  );
  for (const r of ranked.slice(0, 3)) {
    // Locked now: a concurrent assignment of theirs may have filled them since the list was read.
    const profile = await operatorProfile(store, index, r.operator);
    if (profile.presence !== 'available' || !fitsCapacity(profile.load, profile.capacity, pcb.weight)) continue;
    const lane = lanesOf(roles, requirements)[0]!;
    const explanation = explain(
      {
        lane,
        pid: pcb.pid,
        class: 0,
        rank: 0,
        tag: pcb.queueTag ?? now,
        fairnessKey: pcb.fairnessKey,
        weight: pcb.weight,
        resourceTypes: schedule.resources.map((x) => x.type),
        priority: pcb.priority,
        urgency: pcb.urgency,
      },
      {
        mode: 'push',
        operator: r.operator,
        now,
        settings: sched.settings,
        fairnessWeight: 1,
        skills: checkSkills(profile.skills, requirements).checks,
        capacity: { loadBefore: profile.load, weight: pcb.weight, capacity: profile.capacity },
        availability: { presence: profile.presence, onShift: true, shiftEndsAt: null },
        operatorRanking: ranked.slice(0, 5),
        candidatesConsidered: candidates.length,
      },
    );
    return { operator: r.operator, explanation };
  }
  return null;
}

/**
 * The push effects of a command: a `dispatch` for each task that entered (or was re-ranked in) a lane of a push
 * role, and an `offer` for each operator whose load fell while the design pushes some role's work.
 */
export async function pushEffects(run: RunContext, changes: SchedulerChanges): Promise<Effect[]> {
  const effects: Effect[] = [];
  const pairs = run.uow.pairs();
  const pcbs = new Map(pairs.map(({ after }) => [after.pid, after]));
  for (const pid of new Set(changes.enqueue.map((e) => e.pid))) {
    const pcb = pcbs.get(pid);
    if (pcb && pushRoles(await run.design(pcb.designVersion), pcb).length > 0) effects.push({ kind: 'dispatch', pid });
  }
  for (const l of changes.load) {
    if (l.delta >= 0) continue;
    const released = pairs.find(({ before }) => before?.assignee === l.operator)?.after;
    if (!released) continue;
    const index = await run.design(released.designVersion);
    const pushes = [...index.scheduler.roles.keys()].some((r) => distributionOf(index, r) === 'push');
    if (pushes) effects.push({ kind: 'offer', operator: l.operator, designVersion: released.designVersion });
  }
  return effects;
}
