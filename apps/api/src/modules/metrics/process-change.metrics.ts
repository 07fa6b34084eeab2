import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { ProcessChange } from '@opkernel/kernel';
import { OutboxRelay, type OutboxMessage } from '../../infra/outbox/outbox-relay.service';
import { PROCESS_CHANGED_TOPIC } from '../live/live-outbox.handler';
import { MetricsService } from './metrics.service';

/**
 * Counters fed by the outbox topic `process.changed` (payload `{ change }`, one message per process a committed
 * command changed): `opkernel_processes_started_total{service}` (created: `fromState` null),
 * `opkernel_transitions_total{state}` (entries into `state`, creations included; states a process passed through
 * inside one command count as its final one only), `opkernel_processes_ended_total{service,reason}` (entries into
 * TERMINATED; reason `completed`, `cancelled`, `error`, or `unknown` for rows written before changes carried it)
 * and `opkernel_incidents_total{service}` (entries into ERROR).
 *
 * Each message is counted by the one replica that delivers it; delivery is at least once, so a message delivered
 * again (a crash before it was marked, another subscriber of the topic failing) counts again — rare, and counters
 * only ever overcount. The subscriber never throws (a throw would make the relay re-deliver the batch to every
 * subscriber) and does no I/O.
 */
@Injectable()
export class ProcessChangeMetrics implements OnModuleInit {
  private readonly logger = new Logger('Metrics');

  constructor(
    private readonly relay: OutboxRelay,
    private readonly metrics: MetricsService,
  ) {}

  /** Creates the counters and subscribes to `process.changed`. */
  onModuleInit(): void {
    const started = this.metrics.counter('processes_started_total', 'Processes created, by service', ['service']);
    const transitions = this.metrics.counter('transitions_total', 'State changes, by the state entered', ['state']);
    const ended = this.metrics.counter('processes_ended_total', 'Processes that reached TERMINATED', [
      'service',
      'reason',
    ]);
    const incidents = this.metrics.counter('incidents_total', 'Processes that entered ERROR', ['service']);

    this.relay.subscribe(PROCESS_CHANGED_TOPIC, (messages: OutboxMessage[]) => {
      for (const m of messages) {
        try {
          const c = (m.payload as { change: ProcessChange }).change;
          if (c.fromState === null) started.inc({ service: c.service });
          if (c.fromState === c.state) continue;
          transitions.inc({ state: c.state });
          if (c.state === 'TERMINATED') ended.inc({ service: c.service, reason: c.terminatedReason ?? 'unknown' });
          if (c.state === 'ERROR') incidents.inc({ service: c.service });
        } catch (error) {
          this.logger.warn(
            `process.changed ${m.id} not counted: ${error instanceof Error ? error.message : String(error)}`,
          );
        }
      }
    });
  }
}
