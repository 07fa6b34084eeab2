import { OperatorEntity } from './operator.entity';

export { OperatorEntity } from './operator.entity';

/**
 * The TypeORM entities of the API: only `operators`, which the auth and operators modules read through a
 * TypeORM repository. Every other table is reached with SQL in its module's persistence code (processes, frames,
 * snapshots, the audit trail, the outbox, timers …); the schema itself is owned by `migrations/`.
 */
export const ENTITIES = [OperatorEntity];
