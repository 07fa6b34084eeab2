import type { Pcb, ProcessKind, ProcessState, TerminatedReason } from '@opkernel/kernel';
import type { ProcessEntity } from './entities/process.entity';

/**
 * Maps a `processes` row to the kernel's PCB: timestamps become epoch milliseconds, bigint ids (strings
 * from node-postgres) become numbers, `entity_type`/`entity_id` become `entity` (null unless both are set).
 */
export function toPcb(row: ProcessEntity): Pcb {
  return {
    pid: toNumber(row.pid),
    service: row.service,
    designVersion: row.designVersion,
    kind: row.kind as ProcessKind,
    state: row.state as ProcessState,
    priority: row.priority,
    parentPid: toNullableNumber(row.parentPid),
    previousPid: toNullableNumber(row.previousPid),
    program: row.program,
    callerPid: toNullableNumber(row.callerPid),
    join: row.joinInfo ?? null,
    entity: row.entityType !== null && row.entityId !== null ? { type: row.entityType, id: row.entityId } : null,
    assignee: row.assignee,
    candidateRoles: row.candidateRoles ?? [],
    creator: row.creator,
    scheduledAt: toMillis(row.scheduledAt),
    deadline: toMillis(row.deadline),
    startedAt: toMillis(row.startedAt),
    endedAt: toMillis(row.endedAt),
    waitReason: row.waitReason,
    suspendReason: row.suspendReason,
    resumeState: row.resumeState as ProcessState | null,
    terminatedReason: row.terminatedReason as TerminatedReason | null,
    formData: row.formData ?? null,
    version: row.version,
    createdAt: toMillis(row.createdAt) ?? 0,
    updatedAt: toMillis(row.updatedAt) ?? 0,
  };
}

/** Maps a PCB to the columns of its `processes` row (epoch ms → `Date`, ids → bigint strings). */
export function fromPcb(pcb: Pcb): Partial<ProcessEntity> {
  return {
    pid: String(pcb.pid),
    service: pcb.service,
    designVersion: pcb.designVersion,
    kind: pcb.kind,
    state: pcb.state,
    priority: pcb.priority,
    parentPid: toNullableId(pcb.parentPid),
    previousPid: toNullableId(pcb.previousPid),
    program: pcb.program,
    callerPid: toNullableId(pcb.callerPid),
    joinInfo: pcb.join,
    entityType: pcb.entity?.type ?? null,
    entityId: pcb.entity?.id ?? null,
    assignee: pcb.assignee,
    candidateRoles: [...pcb.candidateRoles],
    creator: pcb.creator,
    scheduledAt: toDate(pcb.scheduledAt),
    deadline: toDate(pcb.deadline),
    startedAt: toDate(pcb.startedAt),
    endedAt: toDate(pcb.endedAt),
    waitReason: pcb.waitReason,
    suspendReason: pcb.suspendReason,
    resumeState: pcb.resumeState,
    terminatedReason: pcb.terminatedReason,
    formData: pcb.formData,
    version: pcb.version,
    createdAt: new Date(pcb.createdAt),
    updatedAt: new Date(pcb.updatedAt),
  };
}

function toNumber(value: string | number): number {
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`Not a safe integer id: ${value}`);
  return n;
}

function toNullableNumber(value: string | number | null): number | null {
  return value === null || value === undefined ? null : toNumber(value);
}

function toNullableId(value: number | null): string | null {
  return value === null ? null : String(value);
}

function toMillis(value: Date | string | null): number | null {
  if (value === null || value === undefined) return null;
  return (value instanceof Date ? value : new Date(value)).getTime();
}

function toDate(ms: number | null): Date | null {
  return ms === null ? null : new Date(ms);
}
