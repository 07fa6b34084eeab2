import { Module } from '@nestjs/common';
import { OutboxRelay } from './outbox-relay.service';

/** The outbox relay; modules register their topic handlers on {@link OutboxRelay}. */
@Module({ providers: [OutboxRelay], exports: [OutboxRelay] })
export class OutboxModule {}
