import { Injectable, OnModuleInit } from '@nestjs/common';
import type { ProcessChange } from '@opkernel/kernel';
import { OutboxRelay, type OutboxMessage } from '../../infra/outbox/outbox-relay.service';
import { PROCESS_CHANGED_TOPIC } from '../live/live-outbox.handler';
import { TaskDraftsRepository } from './task-drafts.repository';

/**
 * Removes a task's draft once the task terminates (completed or cancelled): a subscriber of the outbox's
 * `process.changed` messages, so the command path stays as it is. At least once and idempotent; until it has run,
 * the draft is already invisible (a draft is answered only while its task is RUNNING or SUSPENDED).
 */
@Injectable()
export class DraftCleanup implements OnModuleInit {
  constructor(
    private readonly relay: OutboxRelay,
    private readonly drafts: TaskDraftsRepository,
  ) {}

  /** Subscribes to `process.changed`. */
  onModuleInit(): void {
    this.relay.subscribe(PROCESS_CHANGED_TOPIC, (messages) => this.onChanges(messages));
  }

  /** Deletes the drafts of the batch's tasks that terminated (one statement; none when no task did). */
  async onChanges(messages: OutboxMessage[]): Promise<void> {
    const ended = messages
      .map((m) => (m.payload as { change: ProcessChange }).change)
      .filter((c) => c.kind === 'task' && c.state === 'TERMINATED')
      .map((c) => c.pid);
    await this.drafts.remove([...new Set(ended)]);
  }
}
