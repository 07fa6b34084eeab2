import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One imported design document (table `design_versions`); `version` increases with every import. */
@Entity({ name: 'design_versions' })
export class DesignVersionEntity {
  @PrimaryGeneratedColumn({ name: 'version', type: 'int' })
  version!: number;

  @Column({ name: 'name', type: 'text', nullable: true })
  name!: string | null;

  /** SHA-256 (hex) of the canonical document. */
  @Index('design_versions_hash_idx')
  @Column({ name: 'hash', type: 'char', length: 64 })
  hash!: string;

  @Column({ name: 'document', type: 'jsonb' })
  document!: unknown;

  /** Format the document was imported from (e.g. `json`, `yaml`, `erpsys`). */
  @Column({ name: 'format', type: 'text' })
  format!: string;

  @Column({ name: 'created_by', type: 'text', nullable: true })
  createdBy!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
