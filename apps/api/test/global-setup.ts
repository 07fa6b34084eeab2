import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { findRepoRoot } from '../src/infra/config/repo-root.util';
import { openMigratedDataSource } from '../src/infra/database/data-source';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../src/infra/database/embedded-postgres';
import { quietTestLogs } from './setup-logging';
import { withAdminClient, withDatabase } from './utils/pg-admin';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Server to create test databases on (its own database is never written to). */
    databaseUrl: string;
    /** Migrated template database that every test file clones. */
    templateDatabase: string;
  }
}

/**
 * Creates `opkernel_tpl_<random>` on the server of `DATABASE_URL` (or on an embedded PostgreSQL in
 * `.data/pg-test` when unset), migrates it once and provides its name; drops it (and any test database of
 * this run left behind) at the end.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  quietTestLogs();
  let embedded: EmbeddedPostgresHandle | null = null;
  let databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    embedded = await startEmbeddedPostgres({
      dataDir: path.join(findRepoRoot(), '.data', 'pg-test'),
      port: 54330,
      database: 'postgres',
    });
    databaseUrl = embedded.url;
  }

  const runId = randomBytes(4).toString('hex');
  const template = `opkernel_tpl_${runId}`;
  await withAdminClient(databaseUrl, (client) => client.query(`CREATE DATABASE ${template}`));
  const dataSource = await openMigratedDataSource(withDatabase(databaseUrl, template));
  await dataSource.destroy();

  project.provide('databaseUrl', databaseUrl);
  project.provide('templateDatabase', template);

  return async () => {
    await withAdminClient(databaseUrl, async (client) => {
      const leftovers = await client.query<{ datname: string }>(
        `SELECT datname FROM pg_database WHERE datname = $1 OR datname LIKE $2`,
        [template, `opkernel_t_${runId}_%`],
      );
      for (const { datname } of leftovers.rows) {
        await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(datname)} WITH (FORCE)`);
      }
    });
    await embedded?.stop();
  };
}
