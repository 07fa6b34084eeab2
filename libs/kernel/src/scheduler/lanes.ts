import type { SkillLevel, SkillRequirement } from './types';

/**
 * Lanes (reference/scheduler.md §1.3 "Lanes"): READY work waits in one lane per candidate role and skill
 * signature, like Pega work queues. A task of role `nurse` needing `laser` ≥ 3 waits in `nurse|laser>=3`; one
 * without skills in `nurse|`. An operator draws from the lanes whose role they hold and whose levels they meet.
 */

/**
 * The canonical skill signature of a requirement list: `skill>=level` sorted by skill, comma-joined (`''` for
 * none). A skill listed twice keeps its highest level. `relaxed` leaves the additional skills out (Omni
 * `IsAdditionalSkill`, dropped after `dropAfter`).
 * @example skillSig([{ skill: 'laser', level: 3 }, { skill: 'french', level: 1 }]) // 'french>=1,laser>=3'
 */
export function skillSig(requirements: readonly SkillRequirement[], relaxed = false): string {
  const levels = new Map<string, number>();
  for (const r of requirements) {
    if (relaxed && r.additional) continue;
    levels.set(r.skill, Math.max(levels.get(r.skill) ?? 0, r.level));
  }
  return [...levels]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([skill, level]) => `${skill}>=${level}`)
    .join(',');
}

/** The requirements a task is held to now: all of them, or without the additional ones once it is relaxed. */
export const requirementsOf = (requirements: readonly SkillRequirement[], relaxed: boolean): SkillRequirement[] =>
  relaxed ? requirements.filter((r) => !r.additional) : [...requirements];

/** The lane key of a role and a skill signature: `role|sig`. */
export const laneKey = (role: string, sig: string): string => `${role}|${sig}`;

/** The requirement list a signature stands for (the inverse of {@link skillSig}). */
export function parseSig(sig: string): SkillRequirement[] {
  if (sig === '') return [];
  return sig.split(',').map((part) => {
    const at = part.lastIndexOf('>=');
    return { skill: part.slice(0, at), level: Number(part.slice(at + 2)) };
  });
}

/** The lanes a task waits in: one per candidate role, all with the task's skill signature. */
export function lanesOf(
  candidateRoles: readonly string[],
  requirements: readonly SkillRequirement[],
  relaxed = false,
): string[] {
  const sig = skillSig(requirements, relaxed);
  return [...new Set(candidateRoles)].map((role) => laneKey(role, sig));
}

/** One requirement checked against an operator's skills (for the 403 and the explanation). */
export type SkillCheck = { skill: string; required: number; level: number; met: boolean };

/**
 * Checks an operator's skills against requirements.
 * @returns every requirement with the operator's level (0 when absent), whether all are met, the first missing
 *   one (for "403 missing skill laser ≥ 3"), and the skill surplus Σ(level − required) over met requirements
 *   (push prefers more, reference §2.3).
 */
export function checkSkills(
  skills: readonly SkillLevel[],
  requirements: readonly SkillRequirement[],
): { met: boolean; checks: SkillCheck[]; missing: SkillCheck | null; surplus: number } {
  const have = new Map<string, number>();
  for (const s of skills) have.set(s.skill, Math.max(have.get(s.skill) ?? 0, s.level));
  const checks = requirements.map((r) => {
    const level = have.get(r.skill) ?? 0;
    return { skill: r.skill, required: r.level, level, met: level >= r.level };
  });
  const missing = checks.find((c) => !c.met) ?? null;
  const surplus = checks.reduce((sum, c) => sum + (c.met ? c.level - c.required : 0), 0);
  return { met: missing === null, checks, missing, surplus };
}

/**
 * The lanes an operator may draw from: of the `lanes` that exist (e.g. every lane of the design's services,
 * strict and relaxed), those whose role the operator holds and whose signature their skills meet. Sorted.
 */
export function lanesFor(roles: readonly string[], skills: readonly SkillLevel[], lanes: Iterable<string>): string[] {
  const held = new Set(roles);
  const out = new Set<string>();
  for (const lane of lanes) {
    const bar = lane.indexOf('|');
    const role = bar < 0 ? lane : lane.slice(0, bar);
    if (!held.has(role)) continue;
    if (checkSkills(skills, parseSig(bar < 0 ? '' : lane.slice(bar + 1))).met) out.add(lane);
  }
  return [...out].sort();
}
