import type { ProcessState } from '../pcb/pcb';
import { addBusiness, businessBetween } from './calendar';
import type { CalendarDef } from './types';

/**
 * SLA clocks (reference/scheduler.md §2.5): Pega's Goal / Deadline / repeating Passed Deadline on a business
 * calendar, with ServiceNow's pause conditions. The clock counts business time only; it starts when the PCB first
 * becomes READY (RUNNING for program instances), pauses in the SLA's `pauseIn` states (a resource wait only with
 * `pauseOnResourceWait`), and stops at TERMINATED, met or breached. Pure: the caller stores the clock and sets
 * the timer for `nextDueAt`.
 */

export type SlaMilestone = 'goal' | 'deadline' | 'passed';

/** What a milestone does, as the design says (the command layer carries them out). */
export type SlaAction =
  | { kind: 'raise_urgency'; by: number }
  | { kind: 'reassign'; to: 'pool' | { role: string } | { operator: string }; force: boolean }
  | { kind: 'notify'; assignee: boolean; roles: string[]; operators: string[] }
  | { kind: 'relax_skills' };

/** An SLA definition with durations in business ms. */
export type SlaDef = {
  key: string;
  calendar: CalendarDef | null;
  /** The key `calendar` was resolved from (null: `24x7`), to resolve it again against runtime calendars. */
  calendarKey?: string | null;
  goalMs: number | null;
  deadlineMs: number | null;
  passed: { everyMs: number; times: number | null } | null;
  urgency: Record<SlaMilestone, number>;
  actions: Record<SlaMilestone, SlaAction[]>;
  pauseIn: ProcessState[];
  pauseOnResourceWait: boolean;
};

export type SlaStatus = 'running' | 'paused' | 'met' | 'breached' | 'stopped';

/** A process's SLA clock. Times are epoch ms; `elapsedMs` is business time counted up to `resumedAt`. */
export type SlaClock = {
  sla: string;
  status: SlaStatus;
  elapsedMs: number;
  /** When the clock last started running (null while paused or stopped). */
  resumedAt: number | null;
  nextMilestone: SlaMilestone | null;
  /** When the next milestone falls due (null while paused, stopped, or with none left). */
  nextDueAt: number | null;
  /** Passed-deadline milestones fired so far. */
  passedCount: number;
  /** True once the deadline milestone fired. */
  breached: boolean;
};

/** Highest urgency (Pega caps urgency at 100). */
export const MAX_URGENCY = 100;

/** The business time (ms) at which `milestone` falls due, or null when the SLA has none. */
function target(def: SlaDef, milestone: SlaMilestone, passedCount: number): number | null {
  if (milestone === 'goal') return def.goalMs;
  if (milestone === 'deadline') return def.deadlineMs;
  return def.deadlineMs !== null && def.passed ? def.deadlineMs + (passedCount + 1) * def.passed.everyMs : null;
}

/** The milestone after `fired` (or the first when null): goal, deadline, then passed `times` (or forever). */
function following(def: SlaDef, fired: SlaMilestone | null, passedCount: number): SlaMilestone | null {
  const order: SlaMilestone[] = ['goal', 'deadline', 'passed'];
  for (let i = fired === null ? 0 : order.indexOf(fired) + (fired === 'passed' ? 0 : 1); i < order.length; i++) {
    const m = order[i]!;
    if (m === 'passed') {
      if (def.passed && def.deadlineMs !== null && (def.passed.times === null || passedCount < def.passed.times))
        return m;
    } else if (target(def, m, passedCount) !== null) return m;
  }
  return null;
}

/** Sets `nextDueAt` of a running clock from its elapsed time (business arithmetic on the SLA's calendar). */
function schedule(def: SlaDef, clock: SlaClock, now: number): SlaClock {
  const t = clock.nextMilestone ? target(def, clock.nextMilestone, clock.passedCount) : null;
  const due = t === null ? null : addBusiness(def.calendar, now, Math.max(0, t - clock.elapsedMs));
  return { ...clock, resumedAt: now, nextDueAt: due };
}

/** A new running clock at `now`. @throws CalendarNeverOpenError when the calendar never opens */
export function startClock(def: SlaDef, now: number): SlaClock {
  const clock: SlaClock = {
    sla: def.key,
    status: 'running',
    elapsedMs: 0,
    resumedAt: now,
    nextMilestone: following(def, null, 0),
    nextDueAt: null,
    passedCount: 0,
    breached: false,
  };
  return schedule(def, clock, now);
}

/** Business time of a running clock up to `now`. */
export const elapsedAt = (def: SlaDef, clock: SlaClock, now: number): number =>
  clock.status === 'running' && clock.resumedAt !== null
    ? clock.elapsedMs + businessBetween(def.calendar, clock.resumedAt, now)
    : clock.elapsedMs;

/** The state of a PCB the clock looks at. A resource wait is WAITING with a `resource:` wait reason. */
export type SlaSubject = { state: ProcessState; waitReason: string | null };

function pauses(def: SlaDef, s: SlaSubject): boolean {
  if (!def.pauseIn.includes(s.state)) return false;
  return s.state !== 'WAITING' || !(s.waitReason ?? '').startsWith('resource:') || def.pauseOnResourceWait;
}

/**
 * The clock after a transition `before → after` at `now` (reference §2.5 Run / Pause / stop), or the same object
 * when nothing changes. Starts on the first READY (or RUNNING, for a program instance: `startIn`); pauses and
 * resumes on the SLA's pause states; stops at TERMINATED (met, or breached once the deadline fired) or, for a
 * cancelled process, `stopped`.
 */
export function slaOnTransition(
  def: SlaDef,
  clock: SlaClock | null,
  after: SlaSubject & { terminatedReason?: string | null },
  now: number,
  startIn: ProcessState = 'READY',
): SlaClock | null {
  if (clock === null) return after.state === startIn ? startClock(def, now) : null;
  if (clock.status === 'met' || clock.status === 'breached' || clock.status === 'stopped') return clock;
  const elapsed = elapsedAt(def, clock, now);
  if (after.state === 'TERMINATED' || after.state === 'ERROR') {
    if (after.state === 'ERROR') return clock;
    const status: SlaStatus = after.terminatedReason === 'cancelled' ? 'stopped' : clock.breached ? 'breached' : 'met';
    return { ...clock, status, elapsedMs: elapsed, resumedAt: null, nextDueAt: null };
  }
  const pause = pauses(def, after);
  if (pause && clock.status === 'running')
    return { ...clock, status: 'paused', elapsedMs: elapsed, resumedAt: null, nextDueAt: null };
  if (!pause && clock.status === 'paused') return schedule(def, { ...clock, status: 'running' }, now);
  return clock;
}

/** What firing a due milestone did. */
export type SlaFiring = {
  milestone: SlaMilestone;
  /** 1-based repeat of a passed-deadline milestone (0 for goal and deadline). */
  repeat: number;
  dueAt: number;
  urgencyBefore: number;
  urgencyAfter: number;
  actions: SlaAction[];
  clock: SlaClock;
};

/**
 * Fires the clock's next milestone if it is due at `now` (the timer is re-checked against the stored clock, so a
 * stale timer fires nothing): adds its urgency (capped at {@link MAX_URGENCY}) and the actions' `raise_urgency`,
 * and schedules the next milestone.
 * @returns the firing, or null when the clock is not running or nothing is due yet
 */
export function slaFire(def: SlaDef, clock: SlaClock, urgency: number, now: number): SlaFiring | null {
  if (clock.status !== 'running' || clock.nextMilestone === null || clock.nextDueAt === null) return null;
  if (clock.nextDueAt > now) return null;
  const milestone = clock.nextMilestone;
  const actions = def.actions[milestone];
  const raise = def.urgency[milestone] + actions.reduce((n, a) => n + (a.kind === 'raise_urgency' ? a.by : 0), 0);
  const passedCount = clock.passedCount + (milestone === 'passed' ? 1 : 0);
  const fired: SlaClock = {
    ...clock,
    elapsedMs: elapsedAt(def, clock, now),
    passedCount,
    breached: clock.breached || milestone !== 'goal',
    nextMilestone: following(def, milestone, passedCount),
  };
  return {
    milestone,
    repeat: milestone === 'passed' ? passedCount : 0,
    dueAt: clock.nextDueAt,
    urgencyBefore: urgency,
    urgencyAfter: Math.min(MAX_URGENCY, urgency + raise),
    actions,
    clock: schedule(def, fired, now),
  };
}

/** When a clock's goal and deadline fall due (epoch ms), as {@link slaProjection} answers. */
export type SlaProjection = { goalAt: number | null; deadlineAt: number | null };

/**
 * When the goal and the deadline fall due if a running clock keeps running: the remaining business time of each
 * added to `resumedAt` on the SLA's calendar. Null for a milestone already passed (or that the SLA lacks), and both
 * null while the clock is paused or done. Pure, no `now`: the clock's own `resumedAt` anchors it.
 * @throws CalendarNeverOpenError when the calendar never opens
 */
export function slaProjection(def: SlaDef, clock: SlaClock): SlaProjection {
  if (clock.status !== 'running' || clock.resumedAt === null) return { goalAt: null, deadlineAt: null };
  const at = (ms: number | null) =>
    ms === null ? null : addBusiness(def.calendar, clock.resumedAt!, Math.max(0, ms - clock.elapsedMs));
  const next = clock.nextMilestone;
  return {
    goalAt: next === 'goal' ? at(def.goalMs) : null,
    deadlineAt: next === 'goal' || next === 'deadline' ? at(def.deadlineMs) : null,
  };
}
