import { Logger, type OnModuleDestroy } from '@nestjs/common';
import {
  createPostgresBackend,
  Queue as RedisQueue,
  Worker as RedisWorker,
  withBackend,
  type Processor,
  type Queue,
  type Worker,
  type WorkerOptions,
} from 'bullmq';
import { Redis } from 'ioredis';

/** PostgreSQL schema of BullMQ's tables on the PostgreSQL backend (created and migrated by BullMQ at first use). */
export const BULLMQ_PG_SCHEMA = 'bullmq';

/** Connections each PostgreSQL-backed queue or worker may hold (its pool; a worker also keeps one LISTEN client). */
const PG_POOL_MAX = 3;

type AnyQueue = Queue<unknown, unknown, string>;
type AnyWorker = Worker<unknown, unknown, string>;

/** Where queues live: Redis when `redisUrl` is set, else the PostgreSQL database; `prefix` namespaces their keys. */
export type QueueFactoryOptions = { redisUrl: string | null; databaseUrl: string; prefix: string };

/** Runs one SQL query and resolves its rows (a TypeORM `DataSource.query`, a `pg` client's rows, …). */
export type QueryRows = <T>(sql: string) => Promise<T[]>;

/**
 * The queues' key prefix of a database: its cluster's system identifier and its oid, so that two installations, or
 * a database created again, sharing one Redis never see each other's jobs — deterministic job ids repeat across
 * databases, and a finished job's id is remembered for an hour. The identifier needs pg_monitor (or superuser);
 * without it the server's address stands in.
 */
export async function queuePrefix(query: QueryRows): Promise<string> {
  const [db] = await query<{ oid: string }>(
    `SELECT oid::text AS oid FROM pg_database WHERE datname = current_database()`,
  );
  const cluster = await query<{ id: string }>(`SELECT system_identifier::text AS id FROM pg_control_system()`)
    .then((r) => r[0]!.id)
    .catch(
      async () =>
        (
          await query<{ a: string }>(
            `SELECT coalesce(inet_server_addr()::text, 'local') || ':' || current_setting('port') AS a`,
          )
        )[0]!.a,
    );
  return `{opk-${cluster}-${db!.oid}}`;
}

/**
 * Makes BullMQ queues and workers on the configured backend (reference/decks.md §2.2): Redis when `REDIS_URL` is
 * set, otherwise BullMQ's PostgreSQL backend in the API's own database (schema {@link BULLMQ_PG_SCHEMA}), so the
 * embedded default needs nothing installed. One queue object per name; everything made here is closed with
 * {@link close} (the module's destroy hook in the API). Used by the API (Nest provider) and by `npm run worker`.
 */
export class QueueFactory implements OnModuleDestroy {
  private readonly log = new Logger(QueueFactory.name);
  private readonly queues = new Map<string, AnyQueue>();
  private readonly workers: AnyWorker[] = [];
  private redis: Redis | null = null;
  private readonly pg = withBackend(createPostgresBackend);

  constructor(private readonly options: QueueFactoryOptions) {}

  /** The queues' key prefix ({@link queuePrefix}). */
  get prefix(): string {
    return this.options.prefix;
  }

  /** `redis` or `postgres`. */
  get backend(): 'redis' | 'postgres' {
    return this.options.redisUrl ? 'redis' : 'postgres';
  }

  private redisConnection(): Redis {
    this.redis ??= new Redis(this.options.redisUrl!, { maxRetriesPerRequest: null });
    return this.redis;
  }

  private pgConnection() {
    return { connectionString: this.options.databaseUrl, schema: BULLMQ_PG_SCHEMA, migrate: true, max: PG_POOL_MAX };
  }

  /** The queue of `name` (made on first use). */
  queue(name: string): AnyQueue {
    let q = this.queues.get(name);
    if (!q) {
      q =
        this.backend === 'redis'
          ? (new RedisQueue(name, { connection: this.redisConnection(), prefix: this.prefix }) as AnyQueue)
          : (new this.pg.Queue(name, { connection: this.pgConnection(), prefix: this.prefix }) as unknown as AnyQueue);
      q.on('error', (e: Error) => this.log.warn(`queue ${name}: ${e.message}`));
      this.queues.set(name, q);
    }
    return q;
  }

  /** A worker on `name` running `processor` (`options` without the connection). */
  worker(
    name: string,
    processor: Processor<unknown, unknown, string>,
    options: Omit<WorkerOptions, 'connection'>,
  ): AnyWorker {
    const w =
      this.backend === 'redis'
        ? (new RedisWorker(name, processor, {
            ...options,
            connection: this.redisConnection(),
            prefix: this.prefix,
          }) as AnyWorker)
        : (new this.pg.Worker(name, processor, {
            ...options,
            connection: this.pgConnection(),
            prefix: this.prefix,
          } as never) as unknown as AnyWorker);
    w.on('error', (e: Error) => this.log.warn(`worker ${name}: ${e.message}`));
    this.workers.push(w);
    return w;
  }

  /** Closes a worker made here (waits for its running jobs). */
  async closeWorker(worker: AnyWorker): Promise<void> {
    const i = this.workers.indexOf(worker);
    if (i >= 0) this.workers.splice(i, 1);
    await worker.close();
  }

  onModuleDestroy(): Promise<void> {
    return this.close();
  }

  /** Closes every worker (waiting for their running jobs), every queue and the Redis connection. */
  async close(): Promise<void> {
    await Promise.allSettled(this.workers.map((w) => w.close()));
    await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
    this.workers.length = 0;
    this.queues.clear();
    if (this.redis) await this.redis.quit().catch(() => undefined);
    this.redis = null;
  }
}
