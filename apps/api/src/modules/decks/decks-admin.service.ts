import { Injectable, Logger } from '@nestjs/common';
import type { Job, JobType } from 'bullmq';
import type { DeckCounts, DeckFailure, DeckView } from '@opkernel/contracts';
import type { KernelDeck } from '@opkernel/kernel';
import { ProblemException } from '../../infra/problem/problem.exception';
import type { AuthenticatedOperator } from '../auth/types/authenticated-operator.type';
import { DesignRegistry } from '../designs/design-registry.service';
import { DeckWorkers } from './deck-workers.service';
import { deckQueueName, EXECUTION_QUEUE } from './hop-runner';
import { QueueFactory } from './queue-factory';

/** Key of the execution deck (deck 0, the kernel's: results and failures of runs). */
export const EXECUTION_DECK_KEY = 'execution';

/** Concurrency of the execution deck's consumer (as the Guide starts it). */
export const EXECUTION_CONCURRENCY = 8;

/** A deck as listed: the design's element, or the execution deck; `queue` is its BullMQ queue's name. */
export type AdminDeck = Pick<KernelDeck, 'key' | 'id' | 'label' | 'handlers' | 'concurrency'> & { queue: string };

/** The execution deck as an {@link AdminDeck}. */
export const EXECUTION_DECK: AdminDeck = {
  key: EXECUTION_DECK_KEY,
  id: 0,
  label: 'Execution',
  handlers: [],
  concurrency: EXECUTION_CONCURRENCY,
  queue: EXECUTION_QUEUE,
};

/** States counted; `paused` is not a v6 job type, but the PostgreSQL backend reports a paused queue's waiting jobs so. */
const COUNTED = ['waiting', 'paused', 'active', 'delayed', 'prioritized', 'failed', 'completed'] as const;

/** The hop or report fields a failed job carries (hop: `StageJob`; execution deck: `StageReport`). */
type FailedJobData = {
  pid?: unknown;
  runId?: unknown;
  step?: unknown;
  steps?: { handler?: unknown }[];
  failure?: { step?: unknown };
};

const int = (v: unknown): number | null => (typeof v === 'number' && Number.isInteger(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** A failed job in the admin's words: run, process, step and handler from its data (null when it has none). */
export function failureOf(job: Job): DeckFailure {
  const data = (job.data ?? {}) as FailedJobData;
  const step = int(data.step) ?? int(data.failure?.step);
  const handler = step !== null ? str(data.steps?.[step]?.handler) : null;
  return {
    jobId: String(job.id ?? ''),
    runId: str(data.runId),
    pid: int(data.pid),
    step,
    handler: handler ?? (data.steps ? null : str(job.name)),
    failedReason: job.failedReason ?? '',
    attemptsMade: job.attemptsMade ?? 0,
    finishedOn: typeof job.finishedOn === 'number' ? new Date(job.finishedOn).toISOString() : null,
  };
}

/**
 * The decks admins look after (`/v1/decks`): every deck of the current design plus the execution deck (listed
 * once the design has decks — before that no queue exists), each with its queue's state; pause and resume a
 * deck's queue (every worker, in every process, stops taking its jobs; running jobs finish); list its failed jobs.
 */
@Injectable()
export class DecksAdminService {
  private readonly log = new Logger(DecksAdminService.name);

  constructor(
    private readonly designs: DesignRegistry,
    private readonly queues: QueueFactory,
    private readonly workers: DeckWorkers,
  ) {}

  /** The current design's decks (by id) and the execution deck first; empty when the design has none. */
  async decks(): Promise<AdminDeck[]> {
    const current = await this.designs.current();
    if (!current || current.index.decks.size === 0) return [];
    const own = [...current.index.decks.values()]
      .sort((a, b) => a.id - b.id)
      .map((d) => ({
        key: d.key,
        id: d.id,
        label: d.label,
        handlers: d.handlers,
        concurrency: d.concurrency,
        queue: deckQueueName(d.key),
      }));
    return [EXECUTION_DECK, ...own];
  }

  /** @throws ProblemException 404 when neither the current design nor deck 0 has the deck `key` */
  async deck(key: string): Promise<AdminDeck> {
    const deck = (await this.decks()).find((d) => d.key === key);
    if (!deck) throw ProblemException.notFound(`deck ${key} does not exist in the current design`);
    return deck;
  }

  /** Every deck with its queue's state (see {@link DeckView}). */
  async list(): Promise<DeckView[]> {
    return Promise.all((await this.decks()).map((d) => this.view(d)));
  }

  private async view(deck: AdminDeck): Promise<DeckView> {
    const queue = this.queues.queue(deck.queue);
    const [raw, paused, workers] = await Promise.all([
      queue.getJobCounts(...(COUNTED as unknown as JobType[])),
      queue.isPaused(),
      this.workerCount(deck),
    ]);
    const n = (k: (typeof COUNTED)[number]) => raw[k] ?? 0;
    const counts: DeckCounts = {
      waiting: n('waiting') + n('paused'),
      active: n('active'),
      delayed: n('delayed'),
      prioritized: n('prioritized'),
      failed: n('failed'),
      completed: n('completed'),
    };
    return { ...deck, paused, counts, ...workers };
  }

  /** Workers connected to the deck's queue (any process); this process's own when the backend cannot tell. */
  private async workerCount(deck: AdminDeck): Promise<Pick<DeckView, 'workers' | 'workerSource'>> {
    try {
      const clients = await this.queues.queue(deck.queue).getWorkers();
      return { workers: clients.length, workerSource: 'backend' };
    } catch {
      const here = deck.key === EXECUTION_DECK_KEY ? 0 : this.workers.decks.filter((k) => k === deck.key).length;
      return { workers: here, workerSource: 'local' };
    }
  }

  /**
   * Pauses (`paused: true`) or resumes the deck's queue for every worker; logged with the admin who did it.
   * @returns the deck's state afterwards
   * @throws ProblemException 404 for an unknown deck
   */
  async setPaused(key: string, paused: boolean, by: AuthenticatedOperator): Promise<DeckView> {
    const deck = await this.deck(key);
    const queue = this.queues.queue(deck.queue);
    if (paused) await queue.pause();
    else await queue.resume();
    this.log.log(`deck ${deck.key} (${deck.queue}) ${paused ? 'paused' : 'resumed'} by ${by.key}`);
    return this.view(deck);
  }

  /**
   * The deck's failed jobs, newest first (failed jobs are kept 7 days).
   * @throws ProblemException 404 for an unknown deck
   */
  async failures(key: string, limit: number): Promise<DeckFailure[]> {
    const deck = await this.deck(key);
    const jobs = await this.queues.queue(deck.queue).getJobs(['failed'], 0, limit - 1, false);
    return jobs
      .filter((j): j is Job => !!j)
      .map(failureOf)
      .sort((a, b) => (b.finishedOn ?? '').localeCompare(a.finishedOn ?? ''));
  }
}
