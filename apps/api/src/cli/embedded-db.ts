import { parseArgs } from 'node:util';
import { ConsoleLogger, Logger } from '@nestjs/common';
import { logLevelsUpTo, parseLogLevel } from '../infra/config/app-config';
import { startEmbeddedPostgres } from '../infra/database/embedded-postgres';

/**
 * Runs embedded PostgreSQL in the foreground (used by `scripts/test.mjs`):
 * `node -r ./scripts/register.cjs apps/api/src/cli/embedded-db.ts [--data-dir .data/pg-test] [--port 54330] [--database postgres]`.
 * Prints `DATABASE_URL=<url>` on stdout once ready; stops the server when stdin closes or on SIGINT/SIGTERM.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'data-dir': { type: 'string' },
      port: { type: 'string' },
      database: { type: 'string' },
    },
  });
  Logger.overrideLogger(
    new ConsoleLogger({ json: true, logLevels: logLevelsUpTo(parseLogLevel(process.env.LOG_LEVEL, 'log')) }),
  );

  const handle = await startEmbeddedPostgres({
    dataDir: values['data-dir'],
    port: values.port ? Number(values.port) : undefined,
    database: values.database,
  });
  process.stdout.write(`DATABASE_URL=${handle.url}\n`);

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    handle.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.stdin.on('end', stop);
  process.stdin.on('close', stop);
  process.stdin.resume();
}

main().catch((error: unknown) => {
  new Logger('EmbeddedDb').fatal(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
