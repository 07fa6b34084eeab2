import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { UnrecoverableError, type Job } from 'bullmq';
import { DataSource } from 'typeorm';
import { PostEventBodySchema } from '@opkernel/contracts';
import { INTEGRATION_KEY_PREFIX, type AuthenticatedOperator } from '../auth/types/authenticated-operator.type';
import { QueueFactory } from '../decks/queue-factory';
import { DesignRegistry } from '../designs/design-registry.service';
import { EventsService } from './events.service';
import { KERNEL_EVENTS_QUEUE } from './kernel-events.queue';

/**
 * Who delivers queued events: a system integration (audited with actor kind `integration`), without admin rights
 * — `EventsService.ingest` needs none; only `POST /events` is admin- or scope-guarded. Like an API token's
 * integration, it has an `operators` row (the processes it starts name it as their creator), written when the
 * consumer starts; operator lists leave `integration:` keys out.
 */
export const KERNEL_EVENTS_OPERATOR: AuthenticatedOperator = {
  key: `${INTEGRATION_KEY_PREFIX}kernel-events`,
  username: null,
  label: 'Kernel events (queue)',
  roles: [],
  admin: false,
  staff: false,
};

/** How often the design is looked at for devices, before the consumer starts (ms). */
export const KERNEL_EVENTS_SYNC_MS = 2_000;

/**
 * Consumes the `kernel-events` queue (reference/decks.md §3.3): each job is a `POST /events` body that
 * {@link EventsService.ingest} stores once per `(source, eventId)` and matches against the event triggers. It starts
 * once the current design has devices (so that designs without devices hold no extra queue connections). A job
 * whose body is malformed is failed for good; one that fails otherwise (no design yet, a busy database) is retried
 * by BullMQ with backoff.
 */
@Injectable()
export class KernelEventsConsumer implements OnModuleInit, OnModuleDestroy {
  private readonly log = new Logger(KernelEventsConsumer.name);
  private worker: ReturnType<QueueFactory['worker']> | null = null;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly queues: QueueFactory,
    private readonly designs: DesignRegistry,
    private readonly events: EventsService,
    private readonly db: DataSource,
  ) {}

  onModuleInit(): void {
    this.schedule(0);
  }

  onModuleDestroy(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private schedule(ms: number): void {
    if (this.stopped || this.worker) return;
    this.timer = setTimeout(() => {
      void this.sync()
        .catch((e: unknown) => this.log.warn(`sync failed: ${e instanceof Error ? e.message : String(e)}`))
        .finally(() => this.schedule(KERNEL_EVENTS_SYNC_MS));
    }, ms);
    this.timer.unref();
  }

  /** Starts the consumer when the current design has devices. */
  async sync(): Promise<void> {
    if (this.stopped || this.worker) return;
    const current = await this.designs.current();
    if (!current || current.version.document.devices.length === 0) return;
    const op = KERNEL_EVENTS_OPERATOR;
    await this.db.query(
      `INSERT INTO operators (key, username, label, roles, staff, admin) VALUES ($1, NULL, $2, '{}', true, false)
       ON CONFLICT (key) DO NOTHING`,
      [op.key, op.label],
    );
    this.worker = this.queues.worker(KERNEL_EVENTS_QUEUE, (job) => this.consume(job), { concurrency: 8 });
    this.log.log(`consuming ${KERNEL_EVENTS_QUEUE}`);
  }

  private async consume(job: Job): Promise<unknown> {
    const body = PostEventBodySchema.safeParse(job.data);
    if (!body.success) throw new UnrecoverableError(`not an event: ${body.error.message}`);
    try {
      return await this.events.ingest(body.data, KERNEL_EVENTS_OPERATOR);
    } catch (e) {
      this.log.warn(`event ${body.data.source}/${body.data.eventId}: ${e instanceof Error ? e.message : String(e)}`);
      throw e; // retried with backoff
    }
  }
}
