import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** A person (staff or customer) known to the kernel (table `operators`). */
@Entity({ name: 'operators' })
export class OperatorEntity {
  @PrimaryColumn({ name: 'key', type: 'text' })
  key!: string;

  /** Login name; null = cannot log in. */
  @Column({ name: 'username', type: 'text', nullable: true, unique: true })
  username!: string | null;

  @Column({ name: 'label', type: 'text' })
  label!: string;

  /** Role keys. */
  @Column({ name: 'roles', type: 'text', array: true, default: () => "'{}'" })
  roles!: string[];

  @Column({ name: 'organisation', type: 'text', nullable: true })
  organisation!: string | null;

  @Column({ name: 'staff', type: 'boolean', default: false })
  staff!: boolean;

  @Column({ name: 'admin', type: 'boolean', default: false })
  admin!: boolean;

  @Column({ name: 'related_staff', type: 'text', nullable: true })
  relatedStaff!: string | null;

  /** argon2id hash; null = no password set. */
  @Column({ name: 'password_hash', type: 'text', nullable: true })
  passwordHash!: string | null;

  /** Bumped to revoke every token of the operator at once (password or role change, lock, logout). */
  @Column({ name: 'token_version', type: 'int', default: 0 })
  tokenVersion!: number;

  /** Set while the operator is locked: no login, every token refused. */
  @Column({ name: 'locked_at', type: 'timestamptz', nullable: true })
  lockedAt!: Date | null;

  /** Foreign-system references (design `ExternalRef`). */
  @Column({ name: 'external', type: 'jsonb', nullable: true })
  external!: Record<string, unknown> | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
