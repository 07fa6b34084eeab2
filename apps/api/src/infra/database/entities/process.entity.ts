import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A persisted process control block (table `processes`); map it with `toPcb`/`fromPcb` (`pcb.mapper.ts`).
 * bigint columns are typed `string` because node-postgres returns int8 as strings.
 */
@Entity({ name: 'processes' })
@Check('processes_terminated_reason_check', `(state = 'TERMINATED') = (terminated_reason IS NOT NULL)`)
@Index('processes_assignee_state_idx', ['assignee', 'state'])
@Index('processes_entity_idx', ['entityType', 'entityId'])
export class ProcessEntity {
  /** From sequence `process_pid_seq`. */
  @PrimaryColumn({ name: 'pid', type: 'bigint', default: () => "nextval('process_pid_seq')" })
  pid!: string;

  @Index('processes_service_idx')
  @Column({ name: 'service', type: 'text' })
  service!: string;

  @Column({ name: 'design_version', type: 'int' })
  designVersion!: number;

  /** 'task' | 'program' | 'system' */
  @Column({ name: 'kind', type: 'text' })
  kind!: string;

  /** One of `PROCESS_STATES`. */
  @Index('processes_state_idx')
  @Column({ name: 'state', type: 'text' })
  state!: string;

  @Column({ name: 'priority', type: 'int', default: 0 })
  priority!: number;

  @Index('processes_parent_pid_idx')
  @Column({ name: 'parent_pid', type: 'bigint', nullable: true })
  parentPid!: string | null;

  @Column({ name: 'previous_pid', type: 'bigint', nullable: true })
  previousPid!: string | null;

  @Column({ name: 'program', type: 'text', nullable: true })
  program!: string | null;

  @Column({ name: 'caller_pid', type: 'bigint', nullable: true })
  callerPid!: string | null;

  /** `JoinInfo` of the kernel. */
  @Column({ name: 'join_info', type: 'jsonb', nullable: true })
  joinInfo!: { kind: 'parallel' | 'iteration'; callerPid: number; index: number; size: number } | null;

  @Column({ name: 'entity_type', type: 'text', nullable: true })
  entityType!: string | null;

  @Column({ name: 'entity_id', type: 'text', nullable: true })
  entityId!: string | null;

  @Column({ name: 'assignee', type: 'text', nullable: true })
  assignee!: string | null;

  /** GIN-indexed (`processes_candidate_roles_idx`, see the migration). */
  @Column({ name: 'candidate_roles', type: 'text', array: true, default: () => "'{}'" })
  candidateRoles!: string[];

  @Column({ name: 'creator', type: 'text', nullable: true })
  creator!: string | null;

  @Column({ name: 'scheduled_at', type: 'timestamptz', nullable: true })
  scheduledAt!: Date | null;

  @Column({ name: 'deadline', type: 'timestamptz', nullable: true })
  deadline!: Date | null;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'ended_at', type: 'timestamptz', nullable: true })
  endedAt!: Date | null;

  @Column({ name: 'wait_reason', type: 'text', nullable: true })
  waitReason!: string | null;

  @Column({ name: 'suspend_reason', type: 'text', nullable: true })
  suspendReason!: string | null;

  @Column({ name: 'resume_state', type: 'text', nullable: true })
  resumeState!: string | null;

  /** 'completed' | 'cancelled' | 'error'; set exactly when state is TERMINATED. */
  @Column({ name: 'terminated_reason', type: 'text', nullable: true })
  terminatedReason!: string | null;

  @Column({ name: 'form_data', type: 'jsonb', nullable: true })
  formData!: Record<string, unknown> | null;

  /** Optimistic-locking version, +1 on every write (managed by the kernel, not by TypeORM). */
  @Column({ name: 'version', type: 'int' })
  version!: number;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
