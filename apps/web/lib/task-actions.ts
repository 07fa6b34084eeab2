import { rolesAllow, type Viewer } from './predicates';
import type { ProcessView } from './types/process';

/** Operator actions the task page offers (POST /processes/{pid}/<action>). */
export type TaskAction =
  'claim' | 'start' | 'complete' | 'suspend' | 'resume' | 'cancel' | 'transfer' | 'unclaim' | 'retry';
export const TASK_ACTIONS: readonly TaskAction[] = [
  'claim',
  'start',
  'complete',
  'suspend',
  'resume',
  'transfer',
  'unclaim',
  'cancel',
  'retry',
];

const SUSPENDABLE = ['NEW', 'READY', 'RUNNING', 'WAITING'];

/** The actions that make sense for `p` and the viewer (the server still decides). */
export function availableActions(p: ProcessView, v: Viewer): Set<TaskAction> {
  const out = new Set<TaskAction>();
  const live = p.state !== 'TERMINATED';
  const isTask = p.kind === 'task';
  const mine = p.assignee === v.key;
  const inMyPool = p.assignee === null && rolesAllow(v, p.candidateRoles);
  const mayWork = mine || inMyPool || v.admin;
  if (isTask && live && p.assignee === null && inMyPool) out.add('claim');
  if (isTask && mine && p.state === 'READY') out.add('start');
  if (isTask && mine && (p.state === 'READY' || p.state === 'RUNNING')) out.add('complete');
  if (isTask && mayWork && SUSPENDABLE.includes(p.state)) out.add('suspend');
  if (isTask && mayWork && p.state === 'SUSPENDED') out.add('resume');
  if (isTask && live && mayWork) out.add('transfer');
  if (isTask && live && (mine || (v.admin && p.assignee !== null))) out.add('unclaim');
  if (live && (isTask ? mayWork : v.admin)) out.add('cancel');
  if (v.admin && p.state === 'ERROR') out.add('retry');
  return out;
}
