import { startEmbeddedPostgres } from '../apps/api/src/infra/database/embedded-postgres';
(async () => {
  const h = await startEmbeddedPostgres({ dataDir: '/work/main/.data/pg-scratch', port: 54339 });
  console.log('started', h.port, h.owned);
  if (process.argv[2] === 'reuse') { const h2 = await startEmbeddedPostgres({ dataDir: '/work/main/.data/pg-scratch', port: 54339 }); console.log('second', h2.port, h2.owned); }
  if (process.argv[2] !== 'noexit') await h.stop();
  console.log('end');
})().catch((e) => { console.error('ERR', e); process.exit(1); });
