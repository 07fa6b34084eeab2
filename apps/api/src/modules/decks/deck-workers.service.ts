import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { KernelDeck, StageJob, StageReport } from '@opkernel/kernel';
import { DeckHandlers } from './deck-handlers';
import { deckQueueName, EXECUTION_QUEUE, hopOptions, reportOptions, runHop, type HopSink } from './hop-runner';
import { DEFAULT_TUNING, type WorkerTuning } from './decks.options';
import { QueueFactory } from './queue-factory';

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

  constructor(
    private readonly queues: QueueFactory,
    private readonly handlers: DeckHandlers,
  ) {}

  /** Where hops hand work on: the next deck's queue, or the execution deck. */
  readonly sink: HopSink = {
    next: async (job: StageJob) => {
      const step = job.steps[job.step]!;
      await this.queues.queue(deckQueueName(step.deck)).add(step.handler, job, hopOptions(job));
    },
    report: async (report: StageReport) => {
      await this.queues.queue(EXECUTION_QUEUE).add(report.kind, report, reportOptions(report));
    },
  };

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
      this.running.set(deck.key, worker);
      this.log.log(`deck ${deck.key} (${deck.id}): worker started, concurrency ${deck.concurrency}`);
    }
  }

  onModuleDestroy(): void {
    this.closed = true; // the factory closes the workers
  }
}
