import { startEmbeddedPostgres } from '../apps/api/src/infra/database/embedded-postgres';
import { Client } from 'pg';
(async () => {
  const t = Date.now();
  const h = await startEmbeddedPostgres({ dataDir: '/work/main/.data/pg-scratch', port: 54339 });
  console.log('started', h.url.replace(/:[^:@]+@/, ':***@'), Date.now() - t, 'ms');
  const c = new Client({ connectionString: h.url }); await c.connect();
  console.log((await c.query('select version(), current_database()')).rows); await c.end();
  await h.stop();
  console.log('stopped');
})().catch((e) => { console.error('ERR', e); process.exit(1); });
