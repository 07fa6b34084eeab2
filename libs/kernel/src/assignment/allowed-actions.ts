import type { DesignIndex } from '../design/kernel-design';
import type { Pcb } from '../pcb/pcb';
import type { Actor } from '../engine/types';
import { rolesAllowing } from './assign';

/** The operator actions on a process (`POST /processes/{pid}/<action>`), in the order a task page shows them. */
export const TASK_ACTIONS = [
  'claim',
  'start',
  'complete',
  'suspend',
  'resume',
  'transfer',
  'unclaim',
  'cancel',
  'retry',
] as const;
export type TaskAction = (typeof TASK_ACTIONS)[number];

/** The facts of a process that decide which actions it offers. */
export type ActionFacts = Pick<
  Pcb,
  'kind' | 'state' | 'service' | 'assignee' | 'candidateRoles' | 'creator' | 'parentPid'
>;

/** States a task can be suspended from. */
const SUSPENDABLE: readonly Pcb['state'][] = ['NEW', 'READY', 'RUNNING', 'WAITING'];

/**
 * The actions `actor` is offered on a process now — what a task list or task page shows, so clients never
 * re-derive the state table. Every offered action passes the kernel's own checks (its roles allow the service in
 * the process's design version, the state allows the transition, it owns the task or may take it):
 * - claim: an open task in the actor's pool (a candidate role, or an admin);
 * - start / complete: the actor's own task, READY (complete also RUNNING);
 * - suspend / resume / transfer: a live task the actor owns or may take (or any, for admins);
 * - unclaim: the actor's own task (admins: any assigned task);
 * - cancel: a live task the actor may work on; a journey's root that the actor started; anything live for admins;
 * - suspend / resume of a system process (its automation): admins only;
 * - retry: a process in ERROR, admins only.
 *
 * The kernel stays the judge: it also accepts, e.g., completing a pool task (claiming it on the way), which is
 * not offered — a task is claimed before it is worked on.
 * @param index the design version of the process
 * @returns the offered actions in {@link TASK_ACTIONS} order
 */
export function allowedActions(p: ActionFacts, actor: Actor, index: DesignIndex): TaskAction[] {
  const granted = actor.admin || actor.roles.some((r) => rolesAllowing(index, p.service).includes(r));
  const live = p.state !== 'TERMINATED';
  const isTask = p.kind === 'task';
  const mine = p.assignee === actor.key;
  const inPool = p.assignee === null && (actor.admin || p.candidateRoles.some((r) => actor.roles.includes(r)));
  const mayWork = granted && (mine || inPool || actor.admin);
  // A system process (automation) is suspended and resumed by admins.
  const automated = p.kind === 'system' && actor.admin;
  const offered: Record<TaskAction, boolean> = {
    claim: isTask && live && granted && inPool,
    start: isTask && granted && mine && p.state === 'READY',
    complete: isTask && granted && mine && (p.state === 'READY' || p.state === 'RUNNING'),
    suspend: (isTask ? mayWork : automated) && SUSPENDABLE.includes(p.state),
    resume: (isTask ? mayWork : automated) && p.state === 'SUSPENDED',
    transfer: isTask && live && mayWork,
    unclaim: isTask && live && granted && (mine || (actor.admin && p.assignee !== null)),
    cancel: live && (isTask ? mayWork : actor.admin || (p.parentPid === null && p.creator === actor.key && granted)),
    retry: actor.admin && p.state === 'ERROR',
  };
  return TASK_ACTIONS.filter((a) => offered[a]);
}
