import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A message written in the same transaction as the change it announces (table `outbox`), delivered after
 * commit by `OutboxRelay` (at least once).
 */
@Entity({ name: 'outbox' })
@Index('outbox_pending_idx', ['id'], { where: 'dispatched_at IS NULL' })
export class OutboxMessageEntity {
  @PrimaryGeneratedColumn({ name: 'id', type: 'bigint' })
  id!: string;

  /** e.g. `task.changed` */
  @Column({ name: 'topic', type: 'text' })
  topic!: string;

  @Column({ name: 'payload', type: 'jsonb' })
  payload!: Record<string, unknown>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'dispatched_at', type: 'timestamptz', nullable: true })
  dispatchedAt!: Date | null;

  @Column({ name: 'attempts', type: 'int', default: 0 })
  attempts!: number;
}
