import { poolFor } from '../assignment/assign';
import { KernelError } from '../errors/kernel-error';
import type { Pcb } from '../pcb/pcb';
import { serviceSchedule } from '../scheduler/design';
import { effectiveArrival } from '../scheduler/rank';
import { MAX_URGENCY, type SlaAction } from '../scheduler/sla';
import { waits } from './queueing';
import type { Cause, RunContext } from './run-context';
import type { Effect, SlaNotice } from './types';

export type { SlaNotice } from './types';

/**
 * What an SLA milestone and a skills timeout do to a task besides its urgency (reference/scheduler.md §2.5
 * "Actions", §1.1 `dropAfter`): drop the additional skills, take the task from its holder (Pega's reassign on
 * goal/deadline, AWA's reassign on timeout), and tell people (`sla.milestone` on the live channel).
 */

/** Why an SLA reassignment to an operator may be refused (anything else is a fault and aborts the command). */
const REFUSALS: ReadonlySet<string> = new Set([
  'FORBIDDEN',
  'CAPACITY_FULL',
  'RESOURCE_BUSY',
  'UNKNOWN_OPERATOR',
  'INVALID_INPUT',
]);

/** The key of a task's skills timeout (its additional skills drop when it fires). */
export const relaxTimerKey = (pid: number): string => `relax:${pid}`;

/** The skills a service lists as additional (they drop on relaxing). */
const additionalSkills = async (run: RunContext, pcb: Pcb): Promise<string[]> =>
  serviceSchedule((await run.design(pcb.designVersion)).scheduler, pcb.service)
    .requirements.filter((r) => r.additional)
    .map((r) => r.skill);

/**
 * Drops a live task's additional skills (`skillsRelaxed`, audited `skills.relaxed` with the skills dropped): while
 * it waits it moves to the relaxed lanes with its tag kept, and claims are checked against the rest.
 * @returns true when it changed anything (false: already relaxed, ended, or no additional skills)
 */
export async function relaxSkills(run: RunContext, pid: number, cause: Cause): Promise<boolean> {
  const pcb = await run.uow.load(pid);
  if (pcb.skillsRelaxed || pcb.kind !== 'task' || pcb.state === 'TERMINATED') return false;
  const dropped = await additionalSkills(run, pcb);
  if (dropped.length === 0) return false;
  await run.update(pid, { skillsRelaxed: true }, 'skills.relaxed', cause, { dropped });
  return true;
}

/**
 * The skills timeouts the command sets or cancels: a task that starts waiting with additional skills not yet
 * dropped gets a `relax_skills` timer at its effective arrival (earlier waits counted) plus the service's smallest
 * `dropAfter`; one that stops waiting before it fired has it cancelled. Firing re-checks that it still waits.
 */
export async function relaxTimers(run: RunContext): Promise<Effect[]> {
  const effects: Effect[] = [];
  for (const { before, after } of run.uow.pairs()) {
    const was = before !== null && waits(before, before.updatedAt);
    const is = waits(after, run.now);
    if (was === is || after.skillsRelaxed) continue;
    const relaxAfterMs = serviceSchedule((await run.design(after.designVersion)).scheduler, after.service).relaxAfterMs;
    if (relaxAfterMs === null) continue;
    if (!is) {
      effects.push({ kind: 'timer.cancel', key: relaxTimerKey(after.pid) }); // taken or ended before it fired
      continue;
    }
    const dueAt = effectiveArrival(run.now, after.queuedMs) + relaxAfterMs;
    effects.push({
      kind: 'timer.set',
      timer: { key: relaxTimerKey(after.pid), pid: after.pid, purpose: 'relax_skills', dueAt },
    });
  }
  return effects;
}

/** A `relax_skills` timer fell due: the task's additional skills drop if it still waits for someone. */
export async function fireRelaxTimer(run: RunContext, pid: number, cause: Cause): Promise<void> {
  if (waits(await run.uow.load(pid), run.now)) await relaxSkills(run, pid, cause);
}

/**
 * Checks that `operator` may take the task — they exist, hold a role allowing the service, have its skills and
 * room in their capacity, and its rooms can be booked with them (kept in the run) — and keeps an explanation of
 * mode `escalation`.
 * @throws KernelError UNKNOWN_OPERATOR, INVALID_INPUT, FORBIDDEN, CAPACITY_FULL or RESOURCE_BUSY when they may not
 */
export type TakeCheck = (pcb: Pcb, operator: string) => Promise<void>;

/**
 * An SLA `reassign` action: a READY task (a RUNNING one only with `force`, which puts it back to READY first)
 * goes back to its service's pool (`pool`), to one role's pool (`{role}`: its candidate roles become that role),
 * or to one operator (`{operator}`, after the checks of a transfer). Audited `reassigned` with `{by: 'sla', from,
 * to}`; a refused operator is audited `sla.reassign_refused` with the refusal's code (and a missing skill's name)
 * and the task stays where it is. Tasks in other states are left alone.
 * @throws whatever `take` throws that is not a refusal (a fault: the command is retried or fails)
 * @returns what happened: `reassigned`, `refused` or `skipped`
 */
export async function slaReassign(
  run: RunContext,
  pid: number,
  action: Extract<SlaAction, { kind: 'reassign' }>,
  cause: Cause,
  take: TakeCheck,
): Promise<'reassigned' | 'refused' | 'skipped'> {
  const pcb = await run.uow.load(pid);
  if (pcb.kind !== 'task' || !(pcb.state === 'READY' || (pcb.state === 'RUNNING' && action.force))) return 'skipped';
  const index = await run.design(pcb.designVersion);
  const to = action.to;
  let patch: Partial<Pcb>;
  let target: string;
  if (to === 'pool' || 'role' in to) {
    const roles = to === 'pool' ? poolFor(index, pcb.service) : [to.role];
    if (pcb.assignee === null && roles.join() === pcb.candidateRoles.join()) return 'skipped';
    patch = { assignee: null, candidateRoles: roles };
    target = to === 'pool' ? 'pool' : `role:${to.role}`;
  } else {
    if (pcb.assignee === to.operator) return 'skipped';
    try {
      await take(pcb, to.operator);
    } catch (e) {
      if (!(e instanceof KernelError) || !REFUSALS.has(e.code)) throw e;
      // The code (and a missing skill's name) only: the message would show the operator's load or levels.
      const skill = e.code === 'FORBIDDEN' ? (e.details as { skill?: string }).skill : undefined;
      run.record(pcb, 'sla.reassign_refused', pcb.state, pcb.state, cause, {
        to: to.operator,
        code: e.code,
        ...(skill ? { skill } : {}),
      });
      return 'refused';
    }
    patch = { assignee: to.operator };
    target = to.operator;
  }
  if (pcb.state === 'RUNNING') await run.apply(pid, { type: 'yield' }, cause, { by: 'sla' }, { evaluate: false });
  await run.update(pid, patch, 'reassigned', cause, { by: 'sla', from: pcb.assignee, to: target });
  return 'reassigned';
}

/** The recipients of a milestone's `notify` actions besides the monitor (the holder when `assignee` is set). */
export function noticeRecipients(actions: readonly SlaAction[], holder: string | null): SlaNotice['to'] {
  const operators = new Set<string>();
  const roles = new Set<string>();
  for (const a of actions) {
    if (a.kind !== 'notify') continue;
    if (a.assignee && holder) operators.add(holder);
    for (const o of a.operators) operators.add(o);
    for (const r of a.roles) roles.add(r);
  }
  return { operators: [...operators].sort(), roles: [...roles].sort() };
}

/** Most open tasks of one program instance an SLA milestone raises with it. */
export const INHERIT_LIMIT = 200;

/**
 * A program instance's urgency rose by `delta` at an SLA milestone: its open task descendants (nested program
 * instances included, breadth first, at most {@link INHERIT_LIMIT}) rise with it, capped at 100 — Pega's case urgency
 * feeding its assignments' (reference §2.5). Each is audited `sla.urgency_inherited {from, urgencyBefore, urgencyAfter}`
 * and re-ranked in its lanes.
 * @returns how many tasks rose
 */
export async function inheritUrgency(
  run: RunContext,
  instancePid: number,
  delta: number,
  cause: Cause,
): Promise<number> {
  if (delta <= 0) return 0;
  let raised = 0;
  const queue = [instancePid];
  for (let i = 0; i < queue.length && raised < INHERIT_LIMIT; i++) {
    for (const child of await run.uow.children(queue[i]!)) {
      if (child.state === 'TERMINATED') continue;
      queue.push(child.pid);
      if (child.kind !== 'task' || child.urgency >= MAX_URGENCY) continue;
      const urgency = Math.min(MAX_URGENCY, child.urgency + delta);
      await run.update(child.pid, { urgency }, 'sla.urgency_inherited', cause, {
        from: instancePid,
        urgencyBefore: child.urgency,
        urgencyAfter: urgency,
      });
      if (++raised >= INHERIT_LIMIT) break;
    }
  }
  return raised;
}
