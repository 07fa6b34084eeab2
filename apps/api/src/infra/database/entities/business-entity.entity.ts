import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A business entity a process can serve, e.g. `{ type: 'Operator', id: 'zhang_san' }` (table `entities`). */
@Entity({ name: 'entities' })
export class BusinessEntityEntity {
  @PrimaryColumn({ name: 'type', type: 'text' })
  type!: string;

  @PrimaryColumn({ name: 'id', type: 'text' })
  id!: string;

  @Column({ name: 'label', type: 'text' })
  label!: string;

  @Column({ name: 'attributes', type: 'jsonb', default: () => "'{}'" })
  attributes!: Record<string, unknown>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
