import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { withAdminClient, withDatabase } from './pg-admin';

/** A database of its own for one test file. */
export type TestDatabase = {
  name: string;
  url: string;
  /** Drops the database (terminating its connections). */
  drop(): Promise<void>;
};

/**
 * Creates a fresh, migrated database for the calling test file: `CREATE DATABASE … TEMPLATE` from the
 * template of `global-setup.ts` (milliseconds, no migration run).
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = inject('databaseUrl');
  const template = inject('templateDatabase');
  const name = `${template.replace('opkernel_tpl_', 'opkernel_t_')}_${randomBytes(4).toString('hex')}`;
  await withAdminClient(serverUrl, async (client) => {
    for (let attempt = 1; ; attempt++) {
      try {
        await client.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
        return;
      } catch (error) {
        // 55006: the template is briefly in use by a concurrent CREATE DATABASE.
        if ((error as { code?: string }).code !== '55006' || attempt >= 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
      }
    }
  });
  return {
    name,
    url: withDatabase(serverUrl, name),
    drop: () =>
      withAdminClient(
        serverUrl,
        async (client) => void (await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)),
      ),
  };
}
