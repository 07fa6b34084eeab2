/**
 * `npm run journey`: drives one whole customer journey of the clinic design through the REST API as the
 * clinic's operators and prints each step with the tasks it created.
 *
 * - With a server running (`npm start`, or API_URL=…): uses it; needs ADMIN_PASSWORD (the admin's password).
 * - Otherwise: starts the API in-process on a throwaway database `opkernel_journey` (on DATABASE_URL's server,
 *   or in the embedded PostgreSQL cluster under .data/pg), so your data is left alone.
 */
import { randomBytes } from 'node:crypto';
import { ConsoleLogger, Logger } from '@nestjs/common';
import { Client } from 'pg';
import { createApp } from '../bootstrap/create-app';
import { startEmbeddedPostgres } from '../infra/database/embedded-postgres';
import { runClinicJourney } from '../journey/clinic-journey';

const JOURNEY_DB = 'opkernel_journey';

async function reachable(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(1500) });
    return res.ok;
  } catch {
    return false;
  }
}

async function freshDatabase(serverUrl: string): Promise<string> {
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${JOURNEY_DB} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${JOURNEY_DB}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${JOURNEY_DB}`;
  return url.toString();
}

async function main(): Promise<void> {
  Logger.overrideLogger(new ConsoleLogger({ logLevels: ['error', 'warn'] }));
  const print = (line: string) => process.stdout.write(`${line}\n`);
  const apiUrl = process.env.API_URL ?? `http://127.0.0.1:${process.env.PORT ?? 3000}`;
  if (await reachable(apiUrl)) {
    const password = process.env.ADMIN_PASSWORD;
    if (!password)
      throw new Error(`a server answers at ${apiUrl}: set ADMIN_PASSWORD to its admin password (printed by npm start)`);
    print(`# clinic journey against ${apiUrl}`);
    await runClinicJourney(apiUrl, password, print);
    return;
  }
  const embedded = process.env.DATABASE_URL ? null : await startEmbeddedPostgres();
  const password = randomBytes(12).toString('base64url');
  process.env.ADMIN_PASSWORD = password;
  process.env.LOG_LEVEL ??= 'warn';
  const databaseUrl = await freshDatabase(process.env.DATABASE_URL ?? embedded!.url);
  const { url, close } = await createApp({ databaseUrl, port: 0 });
  try {
    print(`# clinic journey on a throwaway database (${JOURNEY_DB}) at ${url}`);
    const { rootPid, steps } = await runClinicJourney(url, password, print);
    print(`# ${steps.length} steps; inspect: GET ${url}/api/v1/processes/${rootPid} (server stops now)`);
  } finally {
    await close();
    await embedded?.stop();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`journey failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
