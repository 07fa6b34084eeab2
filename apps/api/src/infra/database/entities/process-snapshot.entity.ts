import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** An immutable snapshot of a process (PCB and frame) at one version (table `process_snapshots`). */
@Entity({ name: 'process_snapshots' })
export class ProcessSnapshotEntity {
  @PrimaryColumn({ name: 'pid', type: 'bigint' })
  pid!: string;

  @PrimaryColumn({ name: 'version', type: 'int' })
  version!: number;

  @Column({ name: 'content', type: 'jsonb' })
  content!: Record<string, unknown>;

  @Column({ name: 'hash', type: 'char', length: 64 })
  hash!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
