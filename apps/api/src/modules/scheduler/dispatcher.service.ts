import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { Actor } from '@opkernel/kernel';
import { OutboxRelay } from '../../infra/outbox/outbox-relay.service';
import {
  SCHEDULER_DISPATCH_TOPIC,
  SCHEDULER_OFFER_TOPIC,
  SCHEDULER_WAKE_TOPIC,
} from '../processes/persistence/changeset-writer';
import { ProcessCommands } from '../processes/process-commands.service';

/** The actor of the scheduler's own commands (push dispatches and offers), audited with kind `scheduler`. */
export const SCHEDULER_ACTOR: Actor = { key: 'scheduler', roles: [], admin: false, kind: 'scheduler' };

/**
 * Push distribution after commit: subscribes to the outbox topics of the kernel's `dispatch` and `offer` effects
 * and runs each as a command of the scheduler actor (`Kernel.dispatch`, `Kernel.offer`). Delivery is at least
 * once and the commands are idempotent (a task already taken, an operator already full, changes nothing); every
 * API process runs one, and the row locks decide (no double assignment).
 */
@Injectable()
export class SchedulerDispatcher implements OnModuleInit {
  private readonly log = new Logger(SchedulerDispatcher.name);

  constructor(
    private readonly relay: OutboxRelay,
    private readonly commands: ProcessCommands,
  ) {}

  onModuleInit(): void {
    this.relay.register(SCHEDULER_DISPATCH_TOPIC, (payload) => this.dispatch((payload as { pid: number }).pid));
    this.relay.register(SCHEDULER_OFFER_TOPIC, (payload) => {
      const p = payload as { operator: string; designVersion: number };
      return this.offer(p.operator, p.designVersion);
    });
    this.relay.register(SCHEDULER_WAKE_TOPIC, (payload) => this.wake((payload as { types: string[] }).types));
  }

  /** Tasks waiting for freed resource types try again (they re-enter their lanes). */
  async wake(types: string[]): Promise<void> {
    await this.commands.execute((kernel) => kernel.wakeWaiters(types, SCHEDULER_ACTOR));
  }

  /** Pushes a waiting task to the best available operator of its push lanes (nothing when nobody fits). */
  async dispatch(pid: number): Promise<void> {
    const cs = await this.commands.execute((kernel) => kernel.dispatch(pid, SCHEDULER_ACTOR));
    if (cs) this.log.debug(`pushed ${pid} to ${cs.result.assignee}`);
  }

  /** Offers an operator the best waiting task of their push lanes (nothing when unavailable, full or none). */
  async offer(operator: string, designVersion: number): Promise<void> {
    await this.commands.execute((kernel) => kernel.offer(operator, designVersion, SCHEDULER_ACTOR));
  }
}
