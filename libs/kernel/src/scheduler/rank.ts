import type { SchedulerSettings } from './types';

/**
 * The one static ordering key of a lane (reference/scheduler.md §2.1): priority + SLA urgency + linear aging +
 * weighted fairness folded into `(class, rank, pid)`, ascending, so get-next is one index probe and nothing is
 * ever re-ranked in the background.
 *
 * Fairness is VirtualClock (L. Zhang, SIGCOMM 1990) per lane and fairness key: each task's tag is its key's last
 * tag (or its own arrival, whichever is later) plus c·Q/w, so a key with a backlog runs ahead of wall time by
 * c·Q/w per task and keys share a lane in proportion to their weights w.
 *
 * Aging: with m = 3,600,000 / agingPointsPerHour ms per point, rank = tag − points·m, so among candidates at the
 * same `now` the smallest rank has the most *effective points* E = points + (now − tag)/m.
 *
 * **Starvation bound.** points ≤ {@link MAX_POINTS} and a tag is never before its arrival, so a task arriving at
 * t has rank ≥ t − MAX_POINTS·m. Once wall time passes rank_X + MAX_POINTS·m, nothing arriving later overtakes a
 * waiting task X, which is then served after the finite set ranked before it. rank_X ≤ tag_X, and tag_X is X's
 * arrival plus its own key's backlog lag, so X waits at most that lag + MAX_POINTS·m + the drain time of what was
 * ahead. At the defaults (60 points/h) MAX_POINTS·m is 18.3 h; {@link starvationBoundMs} gives it.
 */

/** Highest priority + urgency: priority 0–1000, urgency 0–100. */
export const MAX_POINTS = 1100;

/** A task's points: priority + urgency, clamped to [0, {@link MAX_POINTS}]. */
export const pointsOf = (priority: number, urgency: number): number =>
  Math.min(MAX_POINTS, Math.max(0, priority + urgency));

/** Milliseconds of waiting worth one point (m); Infinity when aging is off (agingPointsPerHour = 0). */
export const msPerPoint = (settings: Pick<SchedulerSettings, 'agingPointsPerHour'>): number =>
  settings.agingPointsPerHour > 0 ? 3_600_000 / settings.agingPointsPerHour : Infinity;

/**
 * How long, at most, a later arrival can overtake a waiting task (ms): MAX_POINTS · m. Infinity when aging is off
 * or priority is strict — then a steady stream of higher-priority work can starve lower classes (as in Pega).
 */
export const starvationBoundMs = (
  settings: Pick<SchedulerSettings, 'agingPointsPerHour' | 'strictPriority'>,
): number => (settings.strictPriority ? Infinity : MAX_POINTS * msPerPoint(settings));

/**
 * The arrival time that counts for aging, `t_eff` (ms): now minus the time already queued before (kept across an
 * unclaim, a resource wait or a suspension, so re-entering work keeps its age but not the time it was away).
 */
export const effectiveArrival = (now: number, queuedMs: number): number => now - Math.max(0, queuedMs);

/**
 * The fairness tag of a task entering a lane (ms, integer): max(lastTag, tEff) + c·Q/w.
 * @param lastTag the highest tag of the lane's rows of the same fairness key, or null when it has none
 * @param tEff {@link effectiveArrival}
 * @param weight the task's capacity weight c (≥ 1)
 * @param fairnessWeight the key's weight w, in (0, 100]
 * @throws RangeError for a weight or fairness weight that is not positive
 */
export function enqueueTag(
  lastTag: number | null,
  tEff: number,
  weight: number,
  fairnessWeight: number,
  settings: Pick<SchedulerSettings, 'fairQuantumMs'>,
): number {
  if (!(weight > 0) || !(fairnessWeight > 0)) throw new RangeError('weight and fairness weight must be positive');
  return Math.round(Math.max(lastTag ?? -Infinity, tEff) + (weight * settings.fairQuantumMs) / fairnessWeight);
}

/** A lane row's ordering: ascending `(class, rank, pid)`. */
export type LaneOrder = { class: number; rank: number };

/**
 * The ordering of a task with fairness tag `tag` and `points` (priority + urgency). Non-strict: class 0 and
 * rank = tag − points·m. Strict priority, or aging off: class = −points and rank = tag (points first, then the
 * fair arrival order).
 */
export function rankOf(
  tag: number,
  points: number,
  settings: Pick<SchedulerSettings, 'agingPointsPerHour' | 'strictPriority'>,
): LaneOrder {
  const m = msPerPoint(settings);
  if (settings.strictPriority || !Number.isFinite(m)) return { class: -points, rank: tag };
  return { class: 0, rank: Math.round(tag - points * m) };
}

/**
 * Effective points at `now`: points + (now − tag)/m (aging from the fairness-adjusted arrival; just `points`
 * when aging is off). The explanation shows it; the order itself is {@link rankOf}.
 */
export function effectivePoints(
  points: number,
  tag: number,
  now: number,
  settings: Pick<SchedulerSettings, 'agingPointsPerHour'>,
): number {
  const m = msPerPoint(settings);
  return Number.isFinite(m) ? points + (now - tag) / m : points;
}

/** Compares two lane rows by `(class, rank, pid)`: negative when `a` goes first. */
export const compareLaneOrder = (a: LaneOrder & { pid: number }, b: LaneOrder & { pid: number }): number =>
  a.class - b.class || a.rank - b.rank || a.pid - b.pid;
