import { Inject, Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { DataSource } from 'typeorm';
import { Kernel, isKernelError, type Changeset, type Clock } from '@opkernel/kernel';
import { CLOCK } from '../../infra/clock/clock.module';
import { FeelEvaluator } from '../../infra/expressions/feel-evaluator.service';
import { OUTBOX_LEASE_SECONDS, OutboxRelay, type OutboxMessage } from '../../infra/outbox/outbox-relay.service';
import { DesignRegistry } from '../designs/design-registry.service';
import { writeChangeset } from './persistence/changeset-writer';
import { OperatorViews } from './persistence/operator-views';
import { PgProcessStore } from './persistence/pg-process-store';
import { SequenceIds } from './persistence/sequence-ids';
import type { SqlRunner } from './persistence/sql-runner';

/**
 * A prepared statement whose result type changed under it (a column added by a migration while this process ran):
 * the connection is discarded, so the retry prepares the statement afresh.
 */
const STALE_PREPARED_PLAN = '0A000';

/** PostgreSQL errors worth another try: deadlock detected, serialization failure, lock timeout, a stale plan. */
// 23P01: a concurrent booking took a slot this command planned to book (exclusion constraint) — decide again.
const RETRYABLE_SQLSTATES = new Set(['40P01', '40001', '55P03', '23P01', STALE_PREPARED_PLAN]);
const MAX_ATTEMPTS = 4;
/** Backoff before attempt n (n ≥ 2): random in [0, BASE · 2^(n-2)) ms ("full jitter", AWS Architecture Blog 2015). */
const BACKOFF_BASE_MS = 20;

/** Options of {@link ProcessCommands.execute}. */
export type ExecuteOptions = {
  /** Runs inside the command's transaction before the command (e.g. to record an idempotency key). */
  before?: (tx: SqlRunner) => Promise<void>;
};

/** Most distinct statement texts given a prepared-statement name (the command path has a few dozen). */
const MAX_PREPARED = 500;
const preparedNames = new Map<string, string>();

/** The prepared-statement name of `sql` (a hash of its text), or undefined once {@link MAX_PREPARED} are named. */
function statementName(sql: string): string | undefined {
  const known = preparedNames.get(sql);
  if (known || preparedNames.size >= MAX_PREPARED) return known;
  const name = `opk_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`;
  preparedNames.set(sql, name);
  return name;
}

/**
 * The command's {@link SqlRunner} over its transaction's connection: every statement is a named prepared
 * statement (node-postgres parses it once per connection, PostgreSQL then skips parsing and, after a few runs,
 * planning), and every answer is its rows. The command path's statement texts are fixed, so the names are few.
 */
function preparedRunner(client: PoolClient): SqlRunner {
  return {
    query: async <T>(sql: string, params: unknown[] = []) =>
      (await client.query({ name: statementName(sql), text: sql, values: params })).rows as T,
  };
}

function retryable(e: unknown): boolean {
  if (isKernelError(e)) return e.code === 'VERSION_CONFLICT';
  const code =
    (e as { code?: unknown; driverError?: { code?: unknown } }).driverError?.code ?? (e as { code?: unknown }).code;
  return typeof code === 'string' && RETRYABLE_SQLSTATES.has(code);
}

/**
 * Runs kernel commands: one database transaction per command holding the reads (row locks), the changes,
 * their audit rows, frames/snapshots and outbox rows; after commit the command's own outbox rows (leased to this
 * process by the writer) are handed to the relay to deliver at once, so nothing is pushed for a rolled-back
 * command and nothing needs reading back. A command that lost an optimistic-lock or deadlock race is re-run from
 * scratch (at most {@link MAX_ATTEMPTS} times) — the kernel re-decides on fresh state, so a duplicate
 * completion then fails as ILLEGAL_TRANSITION instead of creating a second next step.
 */
@Injectable()
export class ProcessCommands {
  private readonly log = new Logger(ProcessCommands.name);

  constructor(
    private readonly db: DataSource,
    private readonly designs: DesignRegistry,
    private readonly relay: OutboxRelay,
    private readonly evaluator: FeelEvaluator,
    private readonly operators: OperatorViews,
    @Inject(CLOCK) readonly clock: Clock,
  ) {}

  /**
   * Runs `work` in a transaction on a connection of the app's pool, straight through node-postgres (BEGIN …
   * COMMIT, ROLLBACK on any error; a connection whose ROLLBACK failed, or whose prepared statements went stale, is
   * discarded).
   */
  private async inTransaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const pool = (this.db.driver as PostgresDriver).master as Pool;
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((e: Error) => (broken = e));
      if ((error as { code?: unknown }).code === STALE_PREPARED_PLAN) broken ??= error as Error;
      throw error;
    } finally {
      client.release(broken);
    }
  }

  /**
   * Runs one kernel command in its own transaction and writes its changeset; kicks the outbox relay after commit.
   * The command gets the kernel, the transaction and the command's {@link PgProcessStore} (e.g. to read the
   * locked process first: the kernel's own read of it then costs nothing).
   * @returns the committed changeset (null when the command found nothing to do: nothing is written)
   * @throws KernelError from the command (nothing is written); database errors after the retries are spent
   */
  async execute<T extends Changeset | null>(
    command: (kernel: Kernel, tx: SqlRunner, store: PgProcessStore) => Promise<T>,
    options: ExecuteOptions = {},
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      if (attempt > 1) await new Promise((r) => setTimeout(r, Math.random() * BACKOFF_BASE_MS * 2 ** (attempt - 2)));
      try {
        let outbox: OutboxMessage[] = [];
        const cs = await this.inTransaction(async (client) => {
          const tx = preparedRunner(client);
          if (options.before) await options.before(tx);
          const store = new PgProcessStore(tx, (key) => this.operators.get(tx, key));
          const kernel = new Kernel({
            store,
            ids: new SequenceIds(tx),
            designs: this.designs,
            clock: this.clock,
            evaluator: this.evaluator,
            scheduler: store,
          });
          const changes = await command(kernel, tx, store);
          if (changes) {
            const written = await writeChangeset(tx, changes, store.auditHeads, { leaseSeconds: OUTBOX_LEASE_SECONDS });
            outbox = written.outbox;
          }
          return changes;
        });
        // Committed: its effects leave now, from this process (the rows are leased to it).
        this.relay.deliverCommitted(outbox);
        return cs;
      } catch (e) {
        if (attempt >= MAX_ATTEMPTS || !retryable(e)) throw e;
        this.log.warn(`command lost a concurrency race (attempt ${attempt}); retrying`);
      }
    }
  }
}
