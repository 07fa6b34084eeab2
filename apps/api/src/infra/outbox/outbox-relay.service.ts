import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

/** One outbox message as a subscriber gets it. */
export type OutboxMessage = { id: string; topic: string; payload: unknown };

/** Delivers the payload of one outbox message; throw to retry it later. */
export type OutboxHandler = (payload: unknown, message: { id: string; topic: string }) => void | Promise<void>;

/**
 * Delivers the messages of one topic claimed in one batch, oldest first (e.g. to look their labels up in one
 * query); throw to retry them all later.
 */
export type OutboxBatchHandler = (messages: OutboxMessage[]) => void | Promise<void>;

/** Poll interval of the relay loop, ms. */
export const OUTBOX_POLL_MS = 500;
/** Rows claimed per batch. */
export const OUTBOX_BATCH_SIZE = 200;
/** How long a claimed batch is leased to the relay that claimed it, s (then another relay may deliver it). */
export const OUTBOX_LEASE_SECONDS = 30;
/** A failed delivery is tried again after this many seconds. */
export const OUTBOX_RETRY_SECONDS = 1;
/** Rows delivered in-process are marked dispatched together, this many ms after the first of them, ms. */
export const OUTBOX_MARK_DELAY_MS = 20;
/** Failed deliveries after which a message is left alone (it stays in the table for inspection). */
export const OUTBOX_MAX_ATTEMPTS = 10;

/** Dispatched rows older than this are deleted by {@link OutboxRelay.purgeDispatched}, hours. */
export const OUTBOX_RETENTION_HOURS = 24;
/** Least time between two purges started by the relay loop, ms. */
export const OUTBOX_PURGE_INTERVAL_MS = 60_000;

/**
 * Relays `outbox` rows to their topic's subscribers after the transaction that wrote them has committed, so no
 * one ever sees uncommitted state. Delivery is at least once: a crash between handling and marking the row
 * re-delivers it, so consumers must be idempotent (live clients dedupe `task.changed` by `(pid, version)`).
 *
 * - `register(topic, handler)` / `subscribe(topic, batchHandler)`: a topic may have several subscribers; a row
 *   is dispatched when every one of them took it (a failing one makes all of them get it again). Only rows of
 *   subscribed topics are claimed; others stay pending.
 * - `deliverCommitted(messages)`: the rows a command of this process just wrote (leased to it by the writer) are
 *   delivered at once, without being read back, and marked dispatched in batches;
 * - `kick()`: drain now; coalesced with a running drain.
 * - a poll loop (every {@link OUTBOX_POLL_MS} ms) catches rows written by other processes or missed kicks.
 *
 * A batch costs two statements and holds no transaction open while it is delivered: one `UPDATE … RETURNING`
 * claims up to {@link OUTBOX_BATCH_SIZE} rows (`FOR UPDATE SKIP LOCKED`, so several relays — processes — never
 * claim the same row) with a lease of {@link OUTBOX_LEASE_SECONDS} s and counts the attempt; one UPDATE marks the
 * delivered rows dispatched (failed ones are retried after {@link OUTBOX_RETRY_SECONDS} s). Rows of a relay that
 * died mid-batch are claimed again when their lease ends.
 *
 * Retention: after a drain, at most once per {@link OUTBOX_PURGE_INTERVAL_MS}, rows dispatched more than
 * {@link OUTBOX_RETENTION_HOURS} hours ago are deleted. Undelivered rows (also those that gave up after
 * {@link OUTBOX_MAX_ATTEMPTS}) are kept for inspection.
 */
@Injectable()
export class OutboxRelay implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('OutboxRelay');
  private readonly subscribers = new Map<string, OutboxBatchHandler[]>();
  /** Topics whose messages are retried without the attempt cap (lost, they would leave work stuck). */
  private readonly durable = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | null = null;
  private again = false;
  private kickScheduled = false;
  private stopped = true;
  private lastPurge = 0;
  /** In-process deliveries of committed rows (see {@link deliverCommitted}) and the ids waiting to be marked. */
  private readonly deliveries = new Set<Promise<void>>();
  private readonly toMark: string[] = [];
  private readonly toRelease: string[] = [];
  private marking: NodeJS.Timeout | undefined;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Adds a subscriber of `topic` that takes one message at a time (see {@link subscribe}). `durable`: its messages
   * are retried past {@link OUTBOX_MAX_ATTEMPTS} (every {@link OUTBOX_RETRY_SECONDS} s until delivered), for
   * intents whose loss would leave work waiting forever (a hop's dispatch).
   */
  register(topic: string, handler: OutboxHandler, options: { durable?: boolean } = {}): void {
    if (options.durable) this.durable.add(topic);
    this.subscribe(topic, async (messages) => {
      for (const m of messages) await handler(m.payload, { id: m.id, topic: m.topic });
    });
  }

  /** Adds a subscriber of `topic`: it gets each claimed batch's messages of that topic, oldest first. */
  subscribe(topic: string, handler: OutboxBatchHandler): void {
    this.subscribers.set(topic, [...(this.subscribers.get(topic) ?? []), handler]);
  }

  /** Starts the poll loop. */
  onModuleInit(): void {
    this.stopped = false;
    this.schedule(OUTBOX_POLL_MS);
  }

  /** Stops the poll loop, waits for a running drain and in-process deliveries, and marks what they delivered. */
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearTimeout(this.marking);
    await this.running;
    await Promise.all([...this.deliveries]);
    await this.markDelivered();
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
   * {@link OUTBOX_BATCH_SIZE}: claim a batch (see the class comment), call the subscribers, mark the delivered
   * rows dispatched.
   * @returns the number of messages delivered.
   */
  async drain(): Promise<number> {
    const topics = [...this.subscribers.keys()];
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
    const [rows] = await this.dataSource.query<[{ id: string; topic: string; payload: unknown }[], number]>(
      `UPDATE outbox SET attempts = attempts + 1, claimed_until = now() + make_interval(secs => $3)
        WHERE id IN (SELECT id FROM outbox
                      WHERE dispatched_at IS NULL AND topic = ANY($1) AND (attempts < $2 OR topic = ANY($4::text[]))
                        AND (claimed_until IS NULL OR claimed_until < now())
                      ORDER BY id LIMIT ${OUTBOX_BATCH_SIZE} FOR UPDATE SKIP LOCKED)
        RETURNING id, topic, payload`,
      [topics, OUTBOX_MAX_ATTEMPTS, OUTBOX_LEASE_SECONDS, [...this.durable]],
    );
    if (rows.length === 0) return { claimed: 0, ok: 0 };
    const messages = rows
      .map((r) => ({ id: String(r.id), topic: r.topic, payload: r.payload }))
      .sort((a, b) => Number(a.id) - Number(b.id));
    const failed = await this.deliver(messages);
    const done = messages.filter((m) => !failed.has(m.id)).map((m) => m.id);
    await this.dataSource.query(
      `UPDATE outbox SET dispatched_at = CASE WHEN id = ANY($1::bigint[]) THEN now() ELSE dispatched_at END,
              claimed_until = CASE WHEN id = ANY($1::bigint[]) THEN claimed_until ELSE now() + make_interval(secs => $3) END
        WHERE id = ANY($1::bigint[]) OR id = ANY($2::bigint[])`,
      [done, [...failed], OUTBOX_RETRY_SECONDS],
    );
    return { claimed: rows.length, ok: done.length };
  }

  /** Calls every subscriber of each message's topic, by topic, oldest first. @returns the ids that failed */
  private async deliver(messages: OutboxMessage[]): Promise<Set<string>> {
    const failed = new Set<string>();
    for (const topic of new Set(messages.map((m) => m.topic))) {
      const batch = messages.filter((m) => m.topic === topic);
      for (const handler of this.subscribers.get(topic) ?? []) {
        try {
          await handler(batch);
        } catch (error) {
          for (const m of batch) failed.add(m.id);
          this.logger.error(
            `Outbox delivery of ${batch.length} ${topic} message(s) failed: ${error instanceof Error ? error.message : String(error)}`,
          );
        }
      }
    }
    return failed;
  }

  /**
   * Delivers the outbox rows a command of this process just committed, at once and without reading them back:
   * the writer inserted them already leased to this relay ({@link OUTBOX_LEASE_SECONDS}, one attempt counted), so
   * no other relay takes them meanwhile. Delivered rows are marked dispatched in one UPDATE per
   * {@link OUTBOX_MARK_DELAY_MS} for every command of that window; failed ones are released for a retry after
   * {@link OUTBOX_RETRY_SECONDS} s by the poll loop, and rows of a process that dies before marking them are
   * delivered again when their lease ends (at least once).
   */
  deliverCommitted(messages: OutboxMessage[]): void {
    if (messages.length === 0) return;
    if (this.stopped) return; // the rows stay leased and are delivered after the lease, by whichever relay runs
    const delivery = this.deliver(messages).then((failed) => {
      for (const m of messages) (failed.has(m.id) ? this.toRelease : this.toMark).push(m.id);
      this.scheduleMarking();
    });
    this.deliveries.add(delivery);
    void delivery.finally(() => this.deliveries.delete(delivery));
  }

  private scheduleMarking(): void {
    if (this.marking) return;
    this.marking = setTimeout(() => {
      this.marking = undefined;
      void this.markDelivered();
    }, OUTBOX_MARK_DELAY_MS);
    this.marking.unref();
  }

  /** Marks the rows delivered in-process dispatched and releases the failed ones (one statement). */
  private async markDelivered(): Promise<void> {
    const done = this.toMark.splice(0);
    const failed = this.toRelease.splice(0);
    if (done.length === 0 && failed.length === 0) return;
    try {
      await this.dataSource.query(
        `UPDATE outbox SET dispatched_at = CASE WHEN id = ANY($1::bigint[]) THEN now() ELSE dispatched_at END,
                claimed_until = CASE WHEN id = ANY($1::bigint[]) THEN claimed_until ELSE now() + make_interval(secs => $3) END
          WHERE id = ANY($1::bigint[]) OR id = ANY($2::bigint[])`,
        [done, failed, OUTBOX_RETRY_SECONDS],
      );
    } catch (error) {
      // Not marked: the lease runs out and they are delivered again (consumers dedupe).
      if (!this.stopped)
        this.logger.error(
          `Marking delivered outbox rows failed: ${error instanceof Error ? error.message : String(error)}`,
        );
    }
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
