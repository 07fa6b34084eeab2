import { Injectable, Logger } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Prefix of every metric name opkernel exports. */
export const METRICS_PREFIX = 'opkernel_';

/** Buckets of the deck-job duration histogram, seconds (jobs run from milliseconds to minutes). */
export const DECK_JOB_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

/** How a deck job attempt ended. */
export type DeckJobOutcome = 'completed' | 'failed' | 'retried';

/** Reads something (usually the database) and sets gauges from it; runs before each scrape. */
export type MetricsCollector = () => Promise<void>;

/** `name` with {@link METRICS_PREFIX} (kept when it has it already). */
const prefixed = (name: string) => (name.startsWith(METRICS_PREFIX) ? name : `${METRICS_PREFIX}${name}`);

/**
 * The API's Prometheus metrics: one prom-client {@link Registry} per app instance (never the global default
 * registry, so several apps in one process keep theirs apart), with Node's default metrics (`opkernel_process_*`,
 * `opkernel_nodejs_*`). Modules create their metrics here ({@link gauge}, {@link counter}, {@link histogram}, all
 * named `opkernel_<name>`), register scrape-time collectors ({@link addCollector}) and report deck jobs
 * ({@link observeDeckJob}). `GET /metrics` answers {@link scrape}.
 */
@Injectable()
export class MetricsService {
  /** This app's registry. */
  readonly registry = new Registry();
  private readonly logger = new Logger('Metrics');
  private readonly collectors: MetricsCollector[] = [];
  private collecting: Promise<void> | null = null;
  private readonly deckJobs: Counter<'deck' | 'handler' | 'outcome'>;
  private readonly deckJobSeconds: Histogram<'deck' | 'handler'>;
  private readonly collectFailures: Counter<never>;

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: METRICS_PREFIX });
    this.deckJobs = this.counter('deck_jobs_total', 'Deck job attempts by how they ended', [
      'deck',
      'handler',
      'outcome',
    ]);
    this.deckJobSeconds = this.histogram(
      'deck_job_duration_seconds',
      'Run time of deck job attempts (every outcome), seconds',
      ['deck', 'handler'],
      DECK_JOB_BUCKETS,
    );
    this.collectFailures = this.counter('metrics_collect_failures_total', 'Scrape-time collectors that failed', []);
  }

  /** Content type of {@link scrape}'s text (Prometheus text exposition format 0.0.4). */
  get contentType(): string {
    return this.registry.contentType;
  }

  /**
   * The gauge `opkernel_<name>` with `labelNames`, created on first use (a second call returns the same gauge).
   * @throws Error when a metric of that name exists with another type or other label names.
   */
  gauge<L extends string>(name: string, help: string, labelNames: readonly L[]): Gauge<L> {
    return this.getOrCreate(name, Gauge, labelNames, () => new Gauge<L>(this.options(name, help, labelNames)));
  }

  /** The counter `opkernel_<name>` (see {@link gauge}). @throws Error as {@link gauge} does */
  counter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> {
    return this.getOrCreate(name, Counter, labelNames, () => new Counter<L>(this.options(name, help, labelNames)));
  }

  /** The histogram `opkernel_<name>` with `buckets` (seconds; see {@link gauge}). @throws Error as {@link gauge} does */
  histogram<L extends string>(name: string, help: string, labelNames: readonly L[], buckets?: number[]): Histogram<L> {
    return this.getOrCreate(
      name,
      Histogram,
      labelNames,
      () => new Histogram<L>({ ...this.options(name, help, labelNames), ...(buckets ? { buckets } : {}) }),
    );
  }

  /**
   * Adds a collector run before every scrape (all collectors concurrently; one that throws is logged, counted in
   * `opkernel_metrics_collect_failures_total`, and the scrape goes on with the others' values). Scrapes that arrive while collectors run share that run.
   */
  addCollector(collect: MetricsCollector): void {
    this.collectors.push(collect);
  }

  /**
   * Counts one deck job attempt (`opkernel_deck_jobs_total{deck,handler,outcome}`) and its run time `ms`
   * (milliseconds, into `opkernel_deck_job_duration_seconds{deck,handler}`; skipped when not a finite number ≥ 0).
   * Never throws.
   */
  observeDeckJob(deck: string, handler: string, outcome: DeckJobOutcome, ms: number): void {
    try {
      this.deckJobs.inc({ deck, handler, outcome });
      if (Number.isFinite(ms) && ms >= 0) this.deckJobSeconds.observe({ deck, handler }, ms / 1000);
    } catch (error) {
      this.logger.warn(`observeDeckJob: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Runs the collectors, then renders every metric in the text exposition format. */
  async scrape(): Promise<string> {
    await (this.collecting ??= this.collect().finally(() => (this.collecting = null)));
    return this.registry.metrics();
  }

  private async collect(): Promise<void> {
    const results = await Promise.allSettled(this.collectors.map((c) => c()));
    for (const r of results) {
      if (r.status === 'fulfilled') continue;
      this.collectFailures.inc();
      this.logger.warn(`A metrics collector failed: ${r.reason instanceof Error ? r.reason.message : r.reason}`);
    }
  }

  private options<L extends string>(name: string, help: string, labelNames: readonly L[]) {
    return { name: prefixed(name), help, labelNames: [...labelNames], registers: [this.registry] };
  }

  private getOrCreate<M extends Gauge<L> | Counter<L> | Histogram<L>, L extends string>(
    name: string,
    type: abstract new (...args: never[]) => M,
    labelNames: readonly L[],
    create: () => M,
  ): M {
    const existing = this.registry.getSingleMetric(prefixed(name));
    if (!existing) return create();
    const labels = (existing as unknown as { labelNames: string[] }).labelNames;
    if (!(existing instanceof type) || labels.join() !== labelNames.join())
      throw new Error(`metric ${prefixed(name)} exists with another type or labels (${labels.join(', ')})`);
    return existing;
  }
}
