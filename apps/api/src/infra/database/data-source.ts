import { Logger } from '@nestjs/common';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '@opkernel/migrations';
import { ENTITIES } from './entities';
import { TypeormLogger } from './typeorm-logger';

/**
 * TypeORM options for the API: PostgreSQL at `url`, every entity, the migrations of `/migrations`
 * (explicit list in `migrations/index.ts`), no `synchronize` and no automatic migration run; call
 * {@link runMigrations} at boot instead.
 */
export function buildDataSourceOptions(url: string, options: { logQueries?: boolean } = {}): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    applicationName: 'opkernel-api',
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    synchronize: false,
    migrationsRun: false,
    logger: new TypeormLogger(options.logQueries ?? false),
    logging: ['error', 'warn', 'migration'],
    maxQueryExecutionTime: 1000,
    poolSize: 10,
    // Every connection waits at most LOCK_TIMEOUT_MS for a row lock (a command then fails with 55P03 and is
    // retried): set once per connection instead of a `SET LOCAL` round trip in every command's transaction.
    extra: { options: `-c lock_timeout=${LOCK_TIMEOUT_MS}` },
  };
}

/** Longest any statement of the API waits for a lock, ms (advisory locks that must wait longer lift it). */
export const LOCK_TIMEOUT_MS = 5000;

// Any constant works; it only has to be the same in every process migrating the same database.
const MIGRATION_LOCK_KEY = 727_001;

/**
 * Runs pending migrations (one transaction each) under a PostgreSQL advisory lock, so several API processes
 * starting together migrate once.
 * @returns names of the migrations applied now (empty when the schema was current).
 */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const lock = dataSource.createQueryRunner();
  await lock.connect();
  try {
    // Another process may be migrating for longer than the connection's lock timeout: wait as long as it takes.
    await lock.query('SET lock_timeout = 0');
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const applied = (await dataSource.runMigrations({ transaction: 'each' })).map((migration) => migration.name);
    if (applied.length > 0)
      new Logger('Migrations').log(`Applied ${applied.length} migration(s): ${applied.join(', ')}`);
    return applied;
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await lock.query('RESET lock_timeout').catch(() => undefined); // back to the connection's default
    await lock.release();
  }
}

/** Opens a DataSource with `options` (default: {@link buildDataSourceOptions} of `url`) and brings its schema up to date. */
export async function openMigratedDataSource(
  url: string,
  options: DataSourceOptions = buildDataSourceOptions(url),
): Promise<DataSource> {
  const dataSource = await new DataSource(options).initialize();
  try {
    await runMigrations(dataSource);
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return dataSource;
}
