import type { SkillCheck } from './lanes';
import { effectivePoints, msPerPoint } from './rank';
import type { LostOn, QueueCandidate, RankedOperator } from './select';
import type { SchedulerSettings } from './types';

/**
 * "Why this task" (reference/scheduler.md §2.6): one record per assignment, built from the very values the
 * scheduler compared, stored beside the assignment in the same transaction.
 */

/** How the assignment came about. `preview` is a dry run (nothing written). */
export type AssignmentMode = 'pull' | 'push' | 'claim' | 'escalation' | 'preview';

/** The stored explanation. Times are epoch ms; points are priority + urgency + aging. */
export type Explanation = {
  mode: AssignmentMode;
  operator: string;
  lane: string | null;
  task: {
    pid: number;
    priority: number;
    urgency: number;
    /** Points gained by waiting: (now − tag)/m. */
    agingPoints: number;
    effectivePoints: number;
    class: number;
    rank: number;
  };
  fairness: { key: string; weight: number; tag: number };
  skills: SkillCheck[];
  capacity: { loadBefore: number; weight: number; capacity: number | null };
  availability: { presence: string; onShift: boolean; shiftEndsAt: number | null };
  resources: Array<{ type: string; resource: string; slot: number; from: number; to: number }>;
  operatorRanking?: RankedOperator[];
  alternatives: Array<{ pid: number; effectivePoints: number; lostOn: LostOn | 'locked' }>;
  candidatesConsidered: number;
  deferred: number[];
  at: number;
};

/** Inputs to {@link explain} beyond the chosen candidate. */
export type ExplainInput = {
  mode: AssignmentMode;
  operator: string;
  now: number;
  settings: Pick<SchedulerSettings, 'agingPointsPerHour'>;
  fairnessWeight: number;
  skills: SkillCheck[];
  capacity: { loadBefore: number; weight: number; capacity: number | null };
  availability: { presence: string; onShift: boolean; shiftEndsAt: number | null };
  resources?: Explanation['resources'];
  operatorRanking?: RankedOperator[];
  alternatives?: Array<{ candidate: QueueCandidate; lostOn: LostOn | 'locked' }>;
  candidatesConsidered?: number;
  deferred?: number[];
};

const round2 = (n: number) => Math.round(n * 100) / 100;

/** Builds the explanation of assigning `chosen` (a lane head, or a claimed task shaped as one). */
export function explain(chosen: QueueCandidate, input: ExplainInput): Explanation {
  const m = msPerPoint(input.settings);
  // A fresh tag lies up to one fairness quantum ahead of its arrival: waiting is shown from 0, never negative.
  const shown = (c: QueueCandidate) =>
    round2(Math.max(c.priority + c.urgency, effectivePoints(c.priority + c.urgency, c.tag, input.now, input.settings)));
  return {
    mode: input.mode,
    operator: input.operator,
    lane: chosen.lane || null,
    task: {
      pid: chosen.pid,
      priority: chosen.priority,
      urgency: chosen.urgency,
      agingPoints: Number.isFinite(m) ? Math.max(0, round2((input.now - chosen.tag) / m)) : 0,
      effectivePoints: shown(chosen),
      class: chosen.class,
      rank: chosen.rank,
    },
    fairness: { key: chosen.fairnessKey, weight: input.fairnessWeight, tag: chosen.tag },
    skills: input.skills,
    capacity: input.capacity,
    availability: input.availability,
    resources: input.resources ?? [],
    ...(input.operatorRanking ? { operatorRanking: input.operatorRanking } : {}),
    alternatives: (input.alternatives ?? []).map(({ candidate, lostOn }) => ({
      pid: candidate.pid,
      effectivePoints: shown(candidate),
      lostOn,
    })),
    candidatesConsidered: input.candidatesConsidered ?? 1 + (input.alternatives?.length ?? 0),
    deferred: input.deferred ?? [],
    at: input.now,
  };
}
