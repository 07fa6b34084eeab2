import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A remembered response to a request sent with an `Idempotency-Key` header (table `idempotency_keys`). */
@Entity({ name: 'idempotency_keys' })
export class IdempotencyKeyEntity {
  @PrimaryColumn({ name: 'key', type: 'text' })
  key!: string;

  @Column({ name: 'operator', type: 'text', nullable: true })
  operator!: string | null;

  /** SHA-256 (hex) of the request (method, path, body): a replay with another body is rejected. */
  @Column({ name: 'request_hash', type: 'char', length: 64 })
  requestHash!: string;

  @Column({ name: 'response', type: 'jsonb' })
  response!: unknown;

  /** HTTP status of the remembered response. */
  @Column({ name: 'status', type: 'int' })
  status!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
