import { BusinessEntityEntity } from './business-entity.entity';
import { DesignVersionEntity } from './design-version.entity';
import { IdempotencyKeyEntity } from './idempotency-key.entity';
import { OperatorEntity } from './operator.entity';
import { OutboxMessageEntity } from './outbox-message.entity';
import { ProcessEventEntity } from './process-event.entity';
import { ProcessFrameEntity } from './process-frame.entity';
import { ProcessSnapshotEntity } from './process-snapshot.entity';
import { ProcessEntity } from './process.entity';

export { BusinessEntityEntity } from './business-entity.entity';
export { DesignVersionEntity } from './design-version.entity';
export { IdempotencyKeyEntity } from './idempotency-key.entity';
export { OperatorEntity } from './operator.entity';
export { OutboxMessageEntity } from './outbox-message.entity';
export { ProcessEventEntity } from './process-event.entity';
export { ProcessFrameEntity } from './process-frame.entity';
export { ProcessSnapshotEntity } from './process-snapshot.entity';
export { ProcessEntity } from './process.entity';

/** Every TypeORM entity of the API (the schema itself is owned by `migrations/`). */
export const ENTITIES = [
  DesignVersionEntity,
  OperatorEntity,
  BusinessEntityEntity,
  ProcessEntity,
  ProcessEventEntity,
  ProcessFrameEntity,
  ProcessSnapshotEntity,
  OutboxMessageEntity,
  IdempotencyKeyEntity,
];
