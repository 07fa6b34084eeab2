import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One line of the audit trail of a process (table `process_events`). */
@Entity({ name: 'process_events' })
@Index('process_events_pid_id_idx', ['pid', 'id'])
export class ProcessEventEntity {
  @PrimaryGeneratedColumn({ name: 'id', type: 'bigint' })
  id!: string;

  @Column({ name: 'pid', type: 'bigint' })
  pid!: string;

  /** Operator key, or null for the kernel itself. */
  @Column({ name: 'actor', type: 'text', nullable: true })
  actor!: string | null;

  @Column({ name: 'action', type: 'text' })
  action!: string;

  @Column({ name: 'from_state', type: 'text', nullable: true })
  fromState!: string | null;

  @Column({ name: 'to_state', type: 'text', nullable: true })
  toState!: string | null;

  /** Why it happened, e.g. `{ rule, instruction }` or `{ action: 'complete' }`. */
  @Column({ name: 'cause', type: 'jsonb', nullable: true })
  cause!: Record<string, unknown> | null;

  @Column({ name: 'details', type: 'jsonb', nullable: true })
  details!: Record<string, unknown> | null;

  @Column({ name: 'at', type: 'timestamptz', default: () => 'now()' })
  at!: Date;
}
