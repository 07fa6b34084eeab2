import type { ProcessState, ProcessView as ProcessViewContract, TaskAction } from '@opkernel/contracts';
import type { Pcb, ProcessState as KernelProcessState, TaskAction as KernelTaskAction } from '@opkernel/kernel';

/** True only when A and B are the same union (a compile error below otherwise). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
// The contracts cannot import the kernel (nor the kernel the contracts): the API holds their lists together.
const contractsMatchKernel: [Same<ProcessState, KernelProcessState>, Same<TaskAction, KernelTaskAction>] = [true, true];
void contractsMatchKernel;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** A PCB as the REST API shows it to one reader (`@opkernel/contracts`' `ProcessView`). */
export type ProcessView = ProcessViewContract;

/**
 * PCB → the REST shape: every PCB field, epoch-ms times as ISO-8601 strings (null stays null), plus
 * `serviceLabel` (the service key when no label is given), the entity's `label` (null when unknown) and the
 * actions offered to the reader (`allowedActions`, none when not given).
 * Shows `formData`: answer only with views the caller may read (see `ProcessReadPolicy`).
 * @example toProcessView(pcb, { service: '新预约', entity: '张三' }).entity // { type, id, label: '张三' }
 */
export function toProcessView(
  p: Pcb,
  labels: { service?: string; entity?: string | null } = {},
  allowedActions: TaskAction[] = [],
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
    candidateRoles: p.candidateRoles,
    creator: p.creator,
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
    version: p.version,
    createdAt: iso(p.createdAt)!,
    updatedAt: iso(p.updatedAt)!,
    allowedActions,
  };
}
