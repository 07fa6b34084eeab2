import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ProcessKind, ProcessState } from '@opkernel/kernel';
import { OUTBOX_MAX_ATTEMPTS } from '../../infra/outbox/outbox-relay.service';

/** Processes in one state of one kind. */
export type ProcessCount = { state: ProcessState; kind: ProcessKind; n: number };

/** Undelivered outbox rows: all of them, and those the relay gave up on ({@link OUTBOX_MAX_ATTEMPTS} failures). */
export type OutboxBacklog = { pending: number; givenUp: number };

/**
 * The counts the metrics gauges show, read on each scrape. Each is one statement: the process count scans
 * `processes` (grouped by state and kind), the outbox count reads the `outbox_pending_idx` partial index, the
 * ready-queue count `ready_queue` (one row per lane a READY task waits in).
 */
@Injectable()
export class MetricsRepository {
  constructor(private readonly db: DataSource) {}

  /** Processes by state and kind (combinations with none are absent). */
  async processCounts(): Promise<ProcessCount[]> {
    const rows = await this.db.query<{ state: ProcessState; kind: ProcessKind; n: string }[]>(
      'SELECT state, kind, count(*) AS n FROM processes GROUP BY state, kind',
    );
    return rows.map((r) => ({ state: r.state, kind: r.kind, n: Number(r.n) }));
  }

  /** Outbox rows not dispatched yet. */
  async outboxBacklog(): Promise<OutboxBacklog> {
    const [row] = await this.db.query<{ pending: string; given_up: string }[]>(
      `SELECT count(*) AS pending, count(*) FILTER (WHERE attempts >= $1) AS given_up
         FROM outbox WHERE dispatched_at IS NULL`,
      [OUTBOX_MAX_ATTEMPTS],
    );
    return { pending: Number(row?.pending ?? 0), givenUp: Number(row?.given_up ?? 0) };
  }

  /** Tasks waiting per ready-queue lane (lanes with none are absent). */
  async readyQueueDepths(): Promise<{ lane: string; depth: number }[]> {
    const rows = await this.db.query<{ lane: string; depth: string }[]>(
      'SELECT lane, count(*) AS depth FROM ready_queue GROUP BY lane',
    );
    return rows.map((r) => ({ lane: r.lane, depth: Number(r.depth) }));
  }
}
