import { Client } from 'pg';
import { startEmbeddedPostgres } from '../../apps/api/src/infra/database/embedded-postgres';

/** A throwaway database for one benchmark run. */
export type BenchDatabase = { url: string; drop(): Promise<void> };

/**
 * Creates `<prefix>_<pid>` on DATABASE_URL's server, or in an embedded PostgreSQL cluster (`.data/pg-bench`, port
 * 54331) when DATABASE_URL is unset; `drop()` removes it and stops the embedded cluster.
 */
export async function createBenchDatabase(prefix: string): Promise<BenchDatabase> {
  const embedded = process.env.DATABASE_URL
    ? null
    : await startEmbeddedPostgres({ dataDir: '.data/pg-bench', port: 54331 });
  const serverUrl = process.env.DATABASE_URL ?? embedded!.url;
  const name = `${prefix}_${process.pid}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
      await embedded?.stop();
    },
  };
}
