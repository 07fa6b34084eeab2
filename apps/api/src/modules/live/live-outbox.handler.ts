import { Injectable, OnModuleInit } from '@nestjs/common';
import { OutboxRelay } from '../../infra/outbox/outbox-relay.service';
import { TaskChangedMessage } from './live-events.type';
import { LiveGateway } from './live.gateway';

/** Outbox topic announcing a task change; payload {@link TaskChangedMessage} `{ rooms, change }`. */
export const TASK_CHANGED_TOPIC = 'task.changed';

/** Delivers `task.changed` outbox rows to the readers in their rooms through {@link LiveGateway}. */
@Injectable()
export class LiveOutboxHandler implements OnModuleInit {
  constructor(
    private readonly relay: OutboxRelay,
    private readonly gateway: LiveGateway,
  ) {}

  /** Registers the `task.changed` handler: validates the payload and delivers it to the readers in its rooms. */
  onModuleInit(): void {
    this.relay.register(TASK_CHANGED_TOPIC, (payload) => {
      return this.gateway.deliver(TaskChangedMessage.parse(payload));
    });
  }
}
