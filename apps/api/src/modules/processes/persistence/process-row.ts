import type { Pcb, ProcessState } from '@opkernel/kernel';

/** A `processes` row as returned by node-postgres (bigint → string, timestamptz → Date). */
export type ProcessRow = {
  pid: string;
  service: string;
  design_version: number;
  kind: Pcb['kind'];
  state: ProcessState;
  priority: number;
  parent_pid: string | null;
  previous_pid: string | null;
  program: string | null;
  caller_pid: string | null;
  join_info: Pcb['join'];
  entity_type: string | null;
  entity_id: string | null;
  assignee: string | null;
  candidate_roles: string[];
  creator: string | null;
  scheduled_at: Date | null;
  deadline: Date | null;
  started_at: Date | null;
  ended_at: Date | null;
  wait_reason: string | null;
  suspend_reason: string | null;
  resume_state: ProcessState | null;
  terminated_reason: Pcb['terminatedReason'];
  form_data: Record<string, unknown> | null;
  urgency: number;
  fairness_key: string;
  queue_tag: string | null;
  queued_ms: string;
  weight: number;
  wait_until: Date | null;
  skills_relaxed: boolean | null;
  version: number;
  created_at: Date;
  updated_at: Date;
};

const num = (v: string | null): number | null => (v === null ? null : Number(v));
const ms = (v: Date | null): number | null => (v === null ? null : v.getTime());
const date = (v: number | null): Date | null => (v === null ? null : new Date(v));

/** Row → PCB: bigint pids as numbers, `timestamptz` as epoch ms, entity columns as `{ type, id }` or null. */
export function rowToPcb(r: ProcessRow): Pcb {
  return {
    pid: Number(r.pid),
    service: r.service,
    designVersion: r.design_version,
    kind: r.kind,
    state: r.state,
    priority: r.priority,
    parentPid: num(r.parent_pid),
    previousPid: num(r.previous_pid),
    program: r.program,
    callerPid: num(r.caller_pid),
    join: r.join_info,
    entity: r.entity_type !== null && r.entity_id !== null ? { type: r.entity_type, id: r.entity_id } : null,
    assignee: r.assignee,
    candidateRoles: r.candidate_roles ?? [],
    creator: r.creator,
    scheduledAt: ms(r.scheduled_at),
    deadline: ms(r.deadline),
    startedAt: ms(r.started_at),
    endedAt: ms(r.ended_at),
    waitReason: r.wait_reason,
    suspendReason: r.suspend_reason,
    resumeState: r.resume_state,
    terminatedReason: r.terminated_reason,
    formData: r.form_data,
    urgency: r.urgency,
    fairnessKey: r.fairness_key,
    queueTag: num(r.queue_tag),
    queuedMs: Number(r.queued_ms),
    weight: r.weight,
    waitUntil: ms(r.wait_until),
    skillsRelaxed: r.skills_relaxed ?? false,
    version: r.version,
    createdAt: r.created_at.getTime(),
    updatedAt: r.updated_at.getTime(),
  };
}

/** Column names of `processes` in insert order (the order of {@link pcbToParams}). */
export const PROCESS_COLUMNS = [
  'pid',
  'service',
  'design_version',
  'kind',
  'state',
  'priority',
  'parent_pid',
  'previous_pid',
  'program',
  'caller_pid',
  'join_info',
  'entity_type',
  'entity_id',
  'assignee',
  'candidate_roles',
  'creator',
  'scheduled_at',
  'deadline',
  'started_at',
  'ended_at',
  'wait_reason',
  'suspend_reason',
  'resume_state',
  'terminated_reason',
  'form_data',
  'urgency',
  'fairness_key',
  'queue_tag',
  'queued_ms',
  'weight',
  'wait_until',
  'skills_relaxed',
  'version',
  'created_at',
  'updated_at',
] as const;

/** PostgreSQL type of each {@link PROCESS_COLUMNS} entry, in the same order (for typed VALUES lists). */
export const PROCESS_COLUMN_TYPES: readonly string[] = [
  'bigint', // pid
  'text', // service
  'int', // design_version
  'text', // kind
  'text', // state
  'int', // priority
  'bigint', // parent_pid
  'bigint', // previous_pid
  'text', // program
  'bigint', // caller_pid
  'jsonb', // join_info
  'text', // entity_type
  'text', // entity_id
  'text', // assignee
  'text[]', // candidate_roles
  'text', // creator
  'timestamptz', // scheduled_at
  'timestamptz', // deadline
  'timestamptz', // started_at
  'timestamptz', // ended_at
  'text', // wait_reason
  'text', // suspend_reason
  'text', // resume_state
  'text', // terminated_reason
  'jsonb', // form_data
  'int', // urgency
  'text', // fairness_key
  'bigint', // queue_tag
  'bigint', // queued_ms
  'int', // weight
  'timestamptz', // wait_until
  'boolean', // skills_relaxed
  'int', // version
  'timestamptz', // created_at
  'timestamptz', // updated_at
];

/**
 * PCB → query parameters, one per {@link PROCESS_COLUMNS} entry in the same order: epoch-ms times as `Date`,
 * `join` and `formData` as JSON text (for `jsonb`), the entity split into type and id, `null` kept as is.
 * @returns an array of length `PROCESS_COLUMNS.length`.
 * @example await tx.query(`INSERT INTO processes (${PROCESS_COLUMNS.join(', ')}) VALUES ($1, …)`, pcbToParams(pcb))
 */
export function pcbToParams(p: Pcb): unknown[] {
  return [
    p.pid,
    p.service,
    p.designVersion,
    p.kind,
    p.state,
    p.priority,
    p.parentPid,
    p.previousPid,
    p.program,
    p.callerPid,
    p.join === null ? null : JSON.stringify(p.join),
    p.entity?.type ?? null,
    p.entity?.id ?? null,
    p.assignee,
    p.candidateRoles,
    p.creator,
    date(p.scheduledAt),
    date(p.deadline),
    date(p.startedAt),
    date(p.endedAt),
    p.waitReason,
    p.suspendReason,
    p.resumeState,
    p.terminatedReason,
    p.formData === null ? null : JSON.stringify(p.formData),
    p.urgency,
    p.fairnessKey,
    p.queueTag,
    p.queuedMs,
    p.weight,
    date(p.waitUntil),
    p.skillsRelaxed,
    p.version,
    new Date(p.createdAt),
    new Date(p.updatedAt),
  ];
}

/**
 * PCB → one JSON record keyed by {@link PROCESS_COLUMNS} (times as ISO-8601, `join_info` and `form_data` as JSON,
 * `candidate_roles` as an array), for set-based writes that read records with `jsonb_to_recordset`.
 */
export function pcbToRecord(p: Pcb): Record<(typeof PROCESS_COLUMNS)[number], unknown> {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    pid: p.pid,
    service: p.service,
    design_version: p.designVersion,
    kind: p.kind,
    state: p.state,
    priority: p.priority,
    parent_pid: p.parentPid,
    previous_pid: p.previousPid,
    program: p.program,
    caller_pid: p.callerPid,
    join_info: p.join,
    entity_type: p.entity?.type ?? null,
    entity_id: p.entity?.id ?? null,
    assignee: p.assignee,
    candidate_roles: p.candidateRoles,
    creator: p.creator,
    scheduled_at: iso(p.scheduledAt),
    deadline: iso(p.deadline),
    started_at: iso(p.startedAt),
    ended_at: iso(p.endedAt),
    wait_reason: p.waitReason,
    suspend_reason: p.suspendReason,
    resume_state: p.resumeState,
    terminated_reason: p.terminatedReason,
    form_data: p.formData,
    urgency: p.urgency,
    fairness_key: p.fairnessKey,
    queue_tag: p.queueTag,
    queued_ms: p.queuedMs,
    weight: p.weight,
    wait_until: iso(p.waitUntil),
    skills_relaxed: p.skillsRelaxed,
    version: p.version,
    created_at: iso(p.createdAt),
    updated_at: iso(p.updatedAt),
  };
}

if (PROCESS_COLUMN_TYPES.length !== PROCESS_COLUMNS.length) {
  throw new Error('PROCESS_COLUMN_TYPES must give one type per entry of PROCESS_COLUMNS');
}
