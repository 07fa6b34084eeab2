import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

/** Delivers the payload of one outbox message; throw to retry it later. */
export type OutboxHandler = (payload: unknown, message: { id: string; topic: string }) => void | Promise<void>;

/** Poll interval of the relay loop, ms. */
export const OUTBOX_POLL_MS = 500;
/** Rows claimed per transaction. */
export const OUTBOX_BATCH_SIZE = 200;
/** Failed deliveries after which a message is left alone (it stays in the table for inspection). */
export const OUTBOX_MAX_ATTEMPTS = 10;

/** Dispatched rows older than this are deleted by {@link OutboxRelay.purgeDispatched}, hours. */
export const OUTBOX_RETENTION_HOURS = 24;
/** Least time between two purges started by the relay loop, ms. */
export const OUTBOX_PURGE_INTERVAL_MS = 60_000;

type OutboxRow = { id: string; topic: string; payload: unknown };

/**
 * Relays `outbox` rows to their topic handlers after the transaction that wrote them has committed, so no
 * one ever sees uncommitted state. Delivery is at least once: a crash between handling and marking the row
 * re-delivers it, so consumers must be idempotent (live clients dedupe `task.changed` by `(pid, version)`).
 *
 * - `register(topic, handler)`: only rows of registered topics are claimed; others stay pending.
 * - `kick()`: drain now (call it after committing outbox rows); coalesced with a running drain.
 * - a poll loop (every {@link OUTBOX_POLL_MS} ms) catches rows written by other processes or missed kicks.
 *
 * Several relays (processes) can run at once: rows are claimed with `FOR UPDATE SKIP LOCKED`.
 *
 * Retention: after a drain, at most once per {@link OUTBOX_PURGE_INTERVAL_MS}, rows dispatched more than
 * {@link OUTBOX_RETENTION_HOURS} hours ago are deleted. Undelivered rows (also those that gave up after
 * {@link OUTBOX_MAX_ATTEMPTS}) are kept for inspection.
 */
@Injectable()
export class OutboxRelay implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('OutboxRelay');
  private readonly handlers = new Map<string, OutboxHandler>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | null = null;
  private again = false;
  private kickScheduled = false;
  private stopped = true;
  private lastPurge = 0;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Routes messages of `topic` to `handler` (one handler per topic).
   * @throws Error when `topic` already has a handler.
   */
  register(topic: string, handler: OutboxHandler): void {
    if (this.handlers.has(topic)) throw new Error(`Outbox topic "${topic}" already has a handler`);
    this.handlers.set(topic, handler);
  }

  /** Starts the poll loop. */
  onModuleInit(): void {
    this.stopped = false;
    this.schedule(OUTBOX_POLL_MS);
  }

  /** Stops the poll loop and waits for a running drain. */
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** Schedules an immediate drain; calls made while one is pending or running coalesce into one more run. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.kickScheduled) return;
    this.kickScheduled = true;
    setImmediate(() => {
      this.kickScheduled = false;
      void this.tick();
    });
  }

  /**
   * Delivers every pending message of the registered topics, oldest first, in batches of
   * {@link OUTBOX_BATCH_SIZE}. Each batch is one transaction: claim rows
   * (`FOR UPDATE SKIP LOCKED`), call the handlers, set `dispatched_at` (or count a failed attempt).
   * @returns the number of messages delivered.
   */
  async drain(): Promise<number> {
    const topics = [...this.handlers.keys()];
    if (topics.length === 0) return 0;
    let delivered = 0;
    for (;;) {
      const { claimed, ok } = await this.drainBatch(topics);
      delivered += ok;
      if (claimed < OUTBOX_BATCH_SIZE || this.stopped) return delivered;
    }
  }

  /**
   * Deletes outbox rows dispatched more than `retentionHours` hours ago (pending rows are never deleted).
   * Called by the relay loop at most once per {@link OUTBOX_PURGE_INTERVAL_MS}; callable directly.
   * @returns the number of rows deleted.
   */
  async purgeDispatched(retentionHours = OUTBOX_RETENTION_HOURS): Promise<number> {
    const rows: { n: string }[] = await this.dataSource.query(
      `WITH gone AS (
         DELETE FROM outbox WHERE dispatched_at < now() - make_interval(hours => $1::int) RETURNING 1)
       SELECT count(*) AS n FROM gone`,
      [retentionHours],
    );
    return Number(rows[0]?.n ?? 0);
  }

  /** Runs {@link purgeDispatched} when the last purge by this relay is at least a minute old. */
  private async purgeIfDue(): Promise<void> {
    const now = Date.now();
    if (this.stopped || now - this.lastPurge < OUTBOX_PURGE_INTERVAL_MS) return;
    this.lastPurge = now;
    const n = await this.purgeDispatched();
    if (n > 0) this.logger.debug(`Deleted ${n} dispatched outbox message(s) older than ${OUTBOX_RETENTION_HOURS} h`);
  }

  private async drainBatch(topics: string[]): Promise<{ claimed: number; ok: number }> {
    return this.dataSource.transaction(async (manager) => {
      const rows: OutboxRow[] = await manager.query(
        `SELECT id, topic, payload FROM outbox
          WHERE dispatched_at IS NULL AND topic = ANY($1) AND attempts < $2
          ORDER BY id LIMIT ${OUTBOX_BATCH_SIZE} FOR UPDATE SKIP LOCKED`,
        [topics, OUTBOX_MAX_ATTEMPTS],
      );
      const done: string[] = [];
      const failed: string[] = [];
      for (const row of rows) {
        const handler = this.handlers.get(row.topic);
        try {
          await handler?.(row.payload, { id: String(row.id), topic: row.topic });
          done.push(String(row.id));
        } catch (error) {
          failed.push(String(row.id));
          this.logger.error(
            `Outbox message ${row.id} (${row.topic}) failed: ${error instanceof Error ? error.message : String(error)}`,
          );
        }
      }
      if (done.length > 0) {
        await manager.query(
          'UPDATE outbox SET dispatched_at = now(), attempts = attempts + 1 WHERE id = ANY($1::bigint[])',
          [done],
        );
      }
      if (failed.length > 0) {
        await manager.query('UPDATE outbox SET attempts = attempts + 1 WHERE id = ANY($1::bigint[])', [failed]);
      }
      return { claimed: rows.length, ok: done.length };
    });
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), ms);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.running = this.drain()
      .then(() => this.purgeIfDue())
      .then(
        () => undefined,
        (error: unknown) => {
          if (!this.stopped)
            this.logger.error(`Outbox drain failed: ${error instanceof Error ? error.message : String(error)}`);
        },
      );
    await this.running;
    this.running = null;
    if (this.stopped) return;
    if (this.again) {
      this.again = false;
      setImmediate(() => void this.tick());
    } else {
      this.schedule(OUTBOX_POLL_MS);
    }
  }
}
