import { ConsoleLogger, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { loadEnvConfig, logLevelsUpTo } from '../infra/config/app-config';
import { buildDataSourceOptions, runMigrations } from '../infra/database/data-source';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../infra/database/embedded-postgres';

/**
 * `npm run migration:run`: applies pending migrations to `DATABASE_URL` (or the embedded PostgreSQL in
 * `<repo>/.data/pg`) and exits; exit code 1 on failure.
 */
async function main(): Promise<void> {
  const env = loadEnvConfig();
  Logger.overrideLogger(new ConsoleLogger({ json: true, logLevels: logLevelsUpTo(env.logLevel) }));
  const logger = new Logger('Migrate');
  let embedded: EmbeddedPostgresHandle | null = null;
  const url = env.databaseUrl ?? (embedded = await startEmbeddedPostgres()).url;
  try {
    const dataSource = await new DataSource(buildDataSourceOptions(url)).initialize();
    try {
      const applied = await runMigrations(dataSource);
      if (applied.length === 0) logger.log('Schema is up to date');
    } finally {
      await dataSource.destroy();
    }
  } finally {
    await embedded?.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    new Logger('Migrate').fatal(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
