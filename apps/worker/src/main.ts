/**
 * `npm run worker -- --decks ops:16,storage [--name w1] [--lock-ms 30000] [--stalled-ms 30000]`: runs deck workers
 * in a process of their own (reference/decks.md §2.2), against the same PostgreSQL (`DATABASE_URL`) and, when set,
 * Redis (`REDIS_URL`) as the API. A worker touches no kernel table: it takes hops from its decks' queues, runs the
 * handlers and hands results on through the queues; the API's Guide turns them into kernel commands. Several
 * workers (on several machines) may run the same decks. SIGTERM/SIGINT close it after its running jobs.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import { DeckHandlers } from '../../api/src/modules/decks/deck-handlers';
import { DeckWorkers } from '../../api/src/modules/decks/deck-workers.service';
import { DEFAULT_TUNING } from '../../api/src/modules/decks/decks.options';
import { QueueFactory, queuePrefix } from '../../api/src/modules/decks/queue-factory';
import { parseWorkerArgs } from './worker-args';

async function main(): Promise<void> {
  const log = new Logger('Worker');
  const args = parseWorkerArgs(process.argv.slice(2));
  const databaseUrl = process.env['DATABASE_URL'];
  if (!databaseUrl)
    throw new Error(
      'DATABASE_URL is not set: a separate worker needs the database the API uses (npm start runs decks inline)',
    );
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  const prefix = await queuePrefix(async <T>(sql: string) => (await db.query(sql)).rows as T[]).finally(() => db.end());
  const queues = new QueueFactory({ redisUrl: process.env['REDIS_URL'] || null, databaseUrl, prefix });
  const workers = new DeckWorkers(queues, new DeckHandlers());
  workers.ensure(args.decks, {
    lockDurationMs: args.lockMs ?? DEFAULT_TUNING.lockDurationMs,
    stalledIntervalMs: args.stalledMs ?? DEFAULT_TUNING.stalledIntervalMs,
  });
  const pidFile = path.join(process.env['OPKERNEL_DATA_DIR'] ?? '.data', 'run', `worker-${args.name}.pid`);
  mkdirSync(path.dirname(pidFile), { recursive: true });
  writeFileSync(pidFile, String(process.pid));
  // A line for whoever started us (tests, process managers) to know we are taking jobs.
  process.stdout.write(
    `worker ${args.name} ready: decks ${args.decks.map((d) => `${d.key}:${d.concurrency}`).join(',')} on ${queues.backend}\n`,
  );
  let closing = false;
  const close = async (signal: string) => {
    if (closing) return;
    closing = true;
    log.log(`${signal}: closing after running jobs`);
    await queues.close();
    rmSync(pidFile, { force: true });
    process.exit(0);
  };
  process.on('SIGTERM', () => void close('SIGTERM'));
  process.on('SIGINT', () => void close('SIGINT'));
}

main().catch((e: unknown) => {
  process.stderr.write(`worker failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
