import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Job } from 'bullmq';
import { isKernelError, type Actor, type StageJob, type StageReport } from '@opkernel/kernel';
import { OutboxRelay } from '../../infra/outbox/outbox-relay.service';
import { DesignRegistry } from '../designs/design-registry.service';
import { STAGE_DISPATCH_TOPIC } from '../processes/persistence/changeset-writer';
import { ProcessCommands } from '../processes/process-commands.service';
import { DeckWorkers } from './deck-workers.service';
import { EXECUTION_QUEUE } from './hop-runner';
import { QueueFactory } from './queue-factory';
import { MetricsService } from '../metrics/metrics.service';
import { DECKS_OPTIONS, type DecksOptions } from './decks.options';

/** The actor of the execution deck's commands (results and failures of runs), audited with kind `worker`. */
export const EXECUTION_ACTOR: Actor = { key: 'deck-execution', roles: [], admin: false, kind: 'worker' };

/** How often the design's decks are looked at for workers to start (ms). */
export const DECK_SYNC_MS = 2_000;

/**
 * The Guide (reference/decks.md §2.1): after commit it sends each dispatched hop to its deck's queue (outbox topic
 * `deck.dispatch`, at least once; the hop's deterministic id makes a redelivery add nothing), and it consumes the
 * execution deck — every result or failure becomes `Kernel.reportStage` in its own transaction (a duplicate is
 * audited and ignored by the kernel). With inline workers (the default, `npm start`) it also runs the current
 * design's decks in this process. Nothing is started until a design has decks.
 */
@Injectable()
export class Guide implements OnModuleInit, OnModuleDestroy {
  private readonly log = new Logger(Guide.name);
  private execution: ReturnType<QueueFactory['worker']> | null = null;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly relay: OutboxRelay,
    private readonly commands: ProcessCommands,
    private readonly designs: DesignRegistry,
    private readonly queues: QueueFactory,
    private readonly workers: DeckWorkers,
    @Inject(DECKS_OPTIONS) private readonly options: DecksOptions,
    private readonly metrics: MetricsService,
  ) {}

  onModuleInit(): void {
    this.workers.observe((deck, handler, outcome, ms) => this.metrics.observeDeckJob(deck, handler, outcome, ms));
    this.relay.register(STAGE_DISPATCH_TOPIC, (payload) => this.dispatch((payload as { job: StageJob }).job), {
      durable: true,
    });
    this.schedule();
  }

  onModuleDestroy(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.sync()
        .catch((e: unknown) => this.log.warn(`deck sync failed: ${e instanceof Error ? e.message : String(e)}`))
        .finally(() => this.schedule());
    }, DECK_SYNC_MS);
    this.timer.unref();
  }

  /** Starts the execution consumer and (inline) the workers of the current design's decks, when it has any. */
  async sync(): Promise<void> {
    if (this.stopped) return;
    const current = await this.designs.current();
    if (!current || current.index.decks.size === 0) return;
    this.startExecution();
    if (this.options.inlineWorkers) this.workers.ensure(current.index.decks.values(), this.options.tuning);
  }

  private startExecution(): void {
    if (this.execution || this.stopped) return;
    // Reports are idempotent (the kernel audits a second one as a duplicate): a report whose API process died
    // twice is still taken over.
    this.execution = this.queues.worker(EXECUTION_QUEUE, (job) => this.report(job as Job<StageReport>), {
      concurrency: 8,
      maxStalledCount: 10,
      lockDuration: this.options.tuning.lockDurationMs,
      stalledInterval: this.options.tuning.stalledIntervalMs,
    });
  }

  /** Adds a dispatched hop to its deck's queue. */
  async dispatch(job: StageJob): Promise<void> {
    await this.sync();
    await this.workers.sink.next(job);
  }

  /** A run's result or failure at deck 0, as a kernel command; a report for a process that is gone is dropped. */
  private async report(job: Job<StageReport>): Promise<void> {
    try {
      await this.commands.execute((kernel) => kernel.reportStage(job.data, EXECUTION_ACTOR));
    } catch (e) {
      if (isKernelError(e) && e.code === 'PROCESS_NOT_FOUND') {
        this.log.warn(`report ${job.id} dropped: ${e.message}`);
        return;
      }
      throw e;
    }
  }
}
