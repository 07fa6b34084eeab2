import type { ProcessState, ProcessView as ProcessViewContract, SlaView, TaskAction } from '@opkernel/contracts';
import {
  effectivePoints,
  type Pcb,
  type ProcessState as KernelProcessState,
  type SchedulerSettings,
  type TaskAction as KernelTaskAction,
} from '@opkernel/kernel';

/** True only when A and B are the same union (a compile error below otherwise). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
// The contracts cannot import the kernel (nor the kernel the contracts): the API holds their lists together.
const contractsMatchKernel: [Same<ProcessState, KernelProcessState>, Same<TaskAction, KernelTaskAction>] = [true, true];
void contractsMatchKernel;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** A PCB as the REST API shows it to one reader (`@opkernel/contracts`' `ProcessView`). */
export type ProcessView = ProcessViewContract;

/** Display labels of a view: the service's, the entity's, and the names of the assignee and creator. */
export type ViewLabels = {
  service?: string;
  entity?: string | null;
  /** The assignee's operator label (the key is shown when missing). */
  assignee?: string | null;
  creator?: string | null;
  /** Points while it waits in a ready queue (see {@link waitingPoints}), or null. */
  effectivePoints?: number | null;
};

/**
 * What get-next compares of a waiting task at `now`: priority + urgency + aging since its fairness tag (never
 * below priority + urgency: a fresh tag lies up to one fairness quantum ahead of its arrival), 2 decimals; null
 * for a task that does not wait (not READY, or assigned).
 */
export function waitingPoints(
  p: Pcb,
  now: number,
  settings: Pick<SchedulerSettings, 'agingPointsPerHour'>,
): number | null {
  if (p.kind !== 'task' || p.state !== 'READY' || p.assignee !== null || p.queueTag === null) return null;
  const base = p.priority + p.urgency;
  return Math.round(Math.max(base, effectivePoints(base, p.queueTag, now, settings)) * 100) / 100;
}

/**
 * PCB → the REST shape: every PCB field, epoch-ms times as ISO-8601 strings (null stays null), plus
 * `serviceLabel` (the service key when no label is given), the entity's `label` (null when unknown), the
 * assignee's and creator's names (their keys when no label is given), the SLA clock (null: none) and the actions
 * offered to the reader (`allowedActions`, none when not given).
 * Shows `formData`: answer only with views the caller may read (see `ProcessReadPolicy`).
 * @example toProcessView(pcb, { service: '新预约', entity: '张三' }).entity // { type, id, label: '张三' }
 */
export function toProcessView(
  p: Pcb,
  labels: ViewLabels = {},
  allowedActions: TaskAction[] = [],
  sla: SlaView | null = null,
): ProcessView {
  return {
    pid: p.pid,
    service: p.service,
    serviceLabel: labels.service ?? p.service,
    designVersion: p.designVersion,
    kind: p.kind,
    state: p.state,
    priority: p.priority,
    parentPid: p.parentPid,
    previousPid: p.previousPid,
    program: p.program,
    callerPid: p.callerPid,
    join: p.join,
    entity: p.entity ? { ...p.entity, label: labels.entity ?? null } : null,
    assignee: p.assignee,
    assigneeName: p.assignee === null ? null : (labels.assignee ?? p.assignee),
    candidateRoles: p.candidateRoles,
    creator: p.creator,
    creatorName: p.creator === null ? null : (labels.creator ?? p.creator),
    scheduledAt: iso(p.scheduledAt),
    deadline: iso(p.deadline),
    startedAt: iso(p.startedAt),
    endedAt: iso(p.endedAt),
    waitReason: p.waitReason,
    suspendReason: p.suspendReason,
    resumeState: p.resumeState,
    terminatedReason: p.terminatedReason,
    formData: p.formData,
    urgency: p.urgency,
    fairnessKey: p.fairnessKey,
    weight: p.weight,
    waitUntil: iso(p.waitUntil),
    effectivePoints: labels.effectivePoints ?? null,
    sla,
    version: p.version,
    createdAt: iso(p.createdAt)!,
    updatedAt: iso(p.updatedAt)!,
    allowedActions,
  };
}
