import { Injectable, OnModuleInit } from '@nestjs/common';
import { PROCESS_STATES, type ProcessKind } from '@opkernel/kernel';
import { MetricsRepository } from './metrics.repository';
import { MetricsService } from './metrics.service';

/** Every process kind (each state × kind is exported, 0 when none). */
const PROCESS_KINDS = ['task', 'program', 'system'] as const satisfies readonly ProcessKind[];

/**
 * Gauges read from PostgreSQL on each scrape (so every replica reports the same, whole-deployment values):
 * `opkernel_processes{state,kind}` (every combination, 0 when none), `opkernel_outbox_pending`,
 * `opkernel_outbox_given_up` and `opkernel_ready_queue_depth{lane}` (lanes with waiting tasks). When a read
 * fails its gauges are emptied (the label-less ones show NaN), so a scrape never shows stale counts as current;
 * the failure counts in `opkernel_metrics_collect_failures_total`.
 */
@Injectable()
export class DatabaseMetrics implements OnModuleInit {
  constructor(
    private readonly metrics: MetricsService,
    private readonly repository: MetricsRepository,
  ) {}

  /** Creates the gauges and registers their collectors. */
  onModuleInit(): void {
    const processes = this.metrics.gauge('processes', 'Processes by state and kind', ['state', 'kind']);
    const pending = this.metrics.gauge('outbox_pending', 'Outbox messages not delivered yet', []);
    const givenUp = this.metrics.gauge('outbox_given_up', 'Undelivered outbox messages the relay gave up on', []);
    const depth = this.metrics.gauge('ready_queue_depth', 'READY tasks waiting in each scheduler lane', ['lane']);

    this.metrics.addCollector(async () => {
      const counts = await this.repository.processCounts().catch((error: unknown) => {
        processes.reset();
        throw error;
      });
      processes.reset();
      for (const state of PROCESS_STATES) for (const kind of PROCESS_KINDS) processes.set({ state, kind }, 0);
      for (const c of counts) processes.set({ state: c.state, kind: c.kind }, c.n);
    });
    this.metrics.addCollector(async () => {
      const backlog = await this.repository.outboxBacklog().catch((error: unknown) => {
        pending.set(NaN);
        givenUp.set(NaN);
        throw error;
      });
      pending.set(backlog.pending);
      givenUp.set(backlog.givenUp);
    });
    this.metrics.addCollector(async () => {
      const lanes = await this.repository.readyQueueDepths().catch((error: unknown) => {
        depth.reset();
        throw error;
      });
      depth.reset();
      for (const l of lanes) depth.set({ lane: l.lane }, l.depth);
    });
  }
}
