import { checkSkills, type SkillCheck } from './lanes';
import { fitsCapacity, remainingCapacity } from './load';
import { compareLaneOrder } from './rank';
import type { SchedulerSettings, SkillLevel, SkillRequirement } from './types';

/**
 * Choosing (reference/scheduler.md §2.2, §2.3): which lane head an operator gets (pull), and which operator a
 * task goes to (push). Pure: the store hands in what it read and locked; these functions only compare.
 */

/** A lane head as the store returns it (its PCB locked for this transaction). */
export type QueueCandidate = {
  lane: string;
  pid: number;
  class: number;
  rank: number;
  tag: number;
  fairnessKey: string;
  /** Capacity weight c. */
  weight: number;
  /** Resource types the task needs (empty = none). */
  resourceTypes: string[];
  priority: number;
  urgency: number;
};

/** Why a candidate was not taken. `rank`: another went first; `weight`: over capacity; `resources`: no slot. */
export type LostOn = 'rank' | 'weight' | 'resources';

/** The outcome of fitting a candidate's resources: a plan to book, or why not and when to retry. */
/**
 * Whether a task's rooms and machines fit now: the plan, or why not — with the resource `types` that do not fit
 * (absent: the caller names every type the task needs).
 */
export type ResourceFit<Plan> =
  | { fit: true; plan: Plan }
  | { fit: false; reason: 'busy' | 'closed' | 'blocked'; retryAt: number | null; types?: string[] };

/** What {@link chooseTask} decided. */
export type TaskChoice<Plan> = {
  chosen: QueueCandidate | null;
  /** The resource plan of the chosen task (null when it needs none). */
  plan: Plan | null;
  /** Candidates it beat, or that failed, each with why (at most {@link MAX_ALTERNATIVES}). */
  alternatives: Array<{ candidate: QueueCandidate; lostOn: LostOn }>;
  /** Candidates whose resources do not fit now: the caller defers them (READY → WAITING until `retryAt`). */
  deferred: Array<{
    candidate: QueueCandidate;
    reason: 'busy' | 'closed' | 'blocked';
    retryAt: number | null;
    /** The resource types that do not fit (absent: all the task needs). */
    types?: string[];
  }>;
};

/** Most alternatives an explanation keeps. */
export const MAX_ALTERNATIVES = 3;

/**
 * Takes the first candidate, in `(class, rank, pid)` order, that fits the operator's remaining capacity and whose
 * resources fit (`fitResources` is called only for candidates that need resources and fit the weight).
 * @param candidates lane heads, any order (one per lane; a pid may appear once per lane)
 * @param operator load and capacity (null = unlimited) in capacity units
 */
export function chooseTask<Plan>(
  candidates: readonly QueueCandidate[],
  operator: { load: number; capacity: number | null },
  fitResources: (candidate: QueueCandidate) => ResourceFit<Plan>,
): TaskChoice<Plan> {
  const ordered = [...candidates].sort(compareLaneOrder);
  const choice: TaskChoice<Plan> = { chosen: null, plan: null, alternatives: [], deferred: [] };
  const seen = new Set<number>();
  const lose = (candidate: QueueCandidate, lostOn: LostOn) => {
    if (choice.alternatives.length < MAX_ALTERNATIVES) choice.alternatives.push({ candidate, lostOn });
  };
  for (const candidate of ordered) {
    if (seen.has(candidate.pid)) continue;
    seen.add(candidate.pid);
    if (choice.chosen) {
      lose(candidate, 'rank');
      continue;
    }
    if (!fitsCapacity(operator.load, operator.capacity, candidate.weight)) {
      lose(candidate, 'weight');
      continue;
    }
    if (candidate.resourceTypes.length > 0) {
      const fit = fitResources(candidate);
      if (!fit.fit) {
        choice.deferred.push({ candidate, reason: fit.reason, retryAt: fit.retryAt, types: fit.types });
        lose(candidate, 'resources');
        continue;
      }
      choice.plan = fit.plan;
    }
    choice.chosen = candidate;
  }
  return choice;
}

/** An operator as push sees them. */
export type OperatorCandidate = {
  key: string;
  /** Available now: presence `available`, on shift, not on leave (see `availability`). */
  available: boolean;
  load: number;
  capacity: number | null;
  skills: SkillLevel[];
  lastAssignedAt: number | null;
};

/** An operator push may give the task to, with what ranked them. */
export type RankedOperator = {
  operator: string;
  remaining: number | null;
  skillSurplus: number;
  lastAssignedAt: number | null;
  starter: boolean;
};

/** Why push left an operator out. */
export type OperatorExclusion = {
  operator: string;
  reason: 'unavailable' | 'capacity' | 'skills';
  missing?: SkillCheck;
};

/**
 * Orders the operators a pushed task may go to (reference §2.3): only available ones with room for its weight
 * and the skills it needs; then the journey's starter first (`preferStarter`), more skill surplus first
 * (`evaluateSkillLevel`), then `most_capacity` (remaining units descending, unlimited first, then lower
 * load/capacity; ServiceNow AWA Most Capacity) or `last_assigned` (longest since last assigned first, never
 * assigned first; AWA Last Assigned); finally the operator key.
 */
export function rankOperators(
  operators: readonly OperatorCandidate[],
  task: { weight: number; requirements: readonly SkillRequirement[]; starter: string | null },
  settings: Pick<SchedulerSettings, 'assignBy' | 'evaluateSkillLevel' | 'preferStarter'>,
): { ranked: RankedOperator[]; excluded: OperatorExclusion[] } {
  const ranked: Array<RankedOperator & { ratio: number }> = [];
  const excluded: OperatorExclusion[] = [];
  for (const op of operators) {
    if (!op.available) {
      excluded.push({ operator: op.key, reason: 'unavailable' });
      continue;
    }
    if (!fitsCapacity(op.load, op.capacity, task.weight)) {
      excluded.push({ operator: op.key, reason: 'capacity' });
      continue;
    }
    const skills = checkSkills(op.skills, task.requirements);
    if (!skills.met) {
      excluded.push({ operator: op.key, reason: 'skills', missing: skills.missing! });
      continue;
    }
    ranked.push({
      operator: op.key,
      remaining: remainingCapacity(op.load, op.capacity),
      skillSurplus: skills.surplus,
      lastAssignedAt: op.lastAssignedAt,
      starter: settings.preferStarter && op.key === task.starter,
      ratio: op.capacity === null ? 0 : op.load / op.capacity,
    });
  }
  const inf = (n: number | null) => n ?? Infinity;
  ranked.sort(
    (a, b) =>
      Number(b.starter) - Number(a.starter) ||
      (settings.evaluateSkillLevel ? b.skillSurplus - a.skillSurplus : 0) ||
      (settings.assignBy === 'most_capacity'
        ? compareDesc(inf(a.remaining), inf(b.remaining)) || a.ratio - b.ratio
        : (a.lastAssignedAt ?? -Infinity) - (b.lastAssignedAt ?? -Infinity) || 0) ||
      (a.operator < b.operator ? -1 : a.operator > b.operator ? 1 : 0),
  );
  return { ranked: ranked.map(({ ratio: _ratio, ...r }) => r), excluded };
}

/** Descending comparison that treats two Infinities as equal. */
const compareDesc = (a: number, b: number): number => (a === b ? 0 : b > a ? 1 : -1);
