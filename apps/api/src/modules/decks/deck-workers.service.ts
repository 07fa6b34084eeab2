import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { UnrecoverableError, type Job } from 'bullmq';
import type { KernelDeck, StageJob, StageReport } from '@opkernel/kernel';
import { DeckHandlers } from './deck-handlers';
import {
  deckQueueName,
  EXECUTION_QUEUE,
  hopOptions,
  lostFailure,
  reportOptions,
  runHop,
  type HopSink,
} from './hop-runner';
import { DEFAULT_TUNING, type WorkerTuning } from './decks.options';
import { QueueFactory } from './queue-factory';

/** Told of one finished attempt of a hop: deck, handler, outcome, duration in ms (NaN when unknown). */
export type JobObserver = (
  deck: string,
  handler: string,
  outcome: 'completed' | 'failed' | 'retried',
  ms: number,
) => void;

/**
 * Runs the workers of decks in this process: one BullMQ worker per deck (`deck-<key>`, the deck's concurrency)
 * running {@link runHop} with this process's {@link DeckHandlers}. `ensure` starts the decks not running yet (a
 * design import may add decks); a deck's worker runs until the module closes.
 */
@Injectable()
export class DeckWorkers implements OnModuleDestroy {
  private readonly log = new Logger(DeckWorkers.name);
  private readonly running = new Map<string, ReturnType<QueueFactory['worker']>>();
  private closed = false;
  /** Told of every finished attempt (the API reports them as metrics); none in a bare worker process. */
  private observer: JobObserver | null = null;

  constructor(
    private readonly queues: QueueFactory,
    private readonly handlers: DeckHandlers,
  ) {}

  /** Where hops hand work on: the next deck's queue, or the execution deck. */
  readonly sink: HopSink = {
    next: async (job: StageJob) => {
      const step = job.steps[job.step]!;
      await this.queues.queue(step.queue ?? deckQueueName(step.deck)).add(step.handler, job, hopOptions(job));
    },
    report: async (report: StageReport) => {
      await this.queues.queue(EXECUTION_QUEUE).add(report.kind, report, reportOptions(report));
    },
  };

  /** Reports every attempt's outcome and duration to `observer` (e.g. `MetricsService.observeDeckJob`). */
  observe(observer: JobObserver): void {
    this.observer = observer;
  }

  /** Decks whose workers run here. */
  get decks(): string[] {
    return [...this.running.keys()];
  }

  /** Starts a worker for each deck that has none here yet. */
  ensure(decks: Iterable<Pick<KernelDeck, 'key' | 'id' | 'concurrency'>>, tuning: WorkerTuning = DEFAULT_TUNING): void {
    if (this.closed) return;
    for (const deck of decks) {
      if (this.running.has(deck.key)) continue;
      const worker = this.queues.worker(
        deckQueueName(deck.key),
        (job) => runHop(job as Job<StageJob>, this.handlers, this.sink),
        {
          concurrency: deck.concurrency,
          maxStalledCount: 2,
          lockDuration: tuning.lockDurationMs,
          stalledInterval: tuning.stalledIntervalMs,
        },
      );
      worker.on('completed', (job) => this.told(deck.key, job as Job<StageJob>, 'completed'));
      worker.on('failed', (job, error) => {
        if (!job) return;
        const lost = lostFailure(job as Job<StageJob>, error);
        if (lost)
          this.sink
            .report(lost)
            .catch((e: unknown) => this.log.error(`report of failed hop ${job.id} not added: ${String(e)}`));
        const last = error instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1);
        this.told(deck.key, job as Job<StageJob>, last ? 'failed' : 'retried');
      });
      this.running.set(deck.key, worker);
      this.log.log(`deck ${deck.key} (${deck.id}): worker started, concurrency ${deck.concurrency}`);
    }
  }

  private told(deck: string, job: Job<StageJob>, outcome: 'completed' | 'failed' | 'retried'): void {
    const handler = job.data?.steps?.[job.data.step]?.handler ?? 'unknown';
    const ms = job.finishedOn !== undefined && job.processedOn !== undefined ? job.finishedOn - job.processedOn : NaN;
    this.observer?.(deck, handler, outcome, ms);
  }

  onModuleDestroy(): void {
    this.closed = true; // the factory closes the workers
  }
}
