import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The current context frame of a process (table `process_frames`). */
@Entity({ name: 'process_frames' })
export class ProcessFrameEntity {
  @PrimaryColumn({ name: 'pid', type: 'bigint' })
  pid!: string;

  /** A kernel `ContextFrame`. */
  @Column({ name: 'frame', type: 'jsonb' })
  frame!: Record<string, unknown>;

  /** SHA-256 (hex) of the canonical frame. */
  @Column({ name: 'hash', type: 'char', length: 64 })
  hash!: string;

  @Column({ name: 'version', type: 'int' })
  version!: number;
}
