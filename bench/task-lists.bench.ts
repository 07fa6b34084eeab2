/**
 * Benchmark: task lists and the process list as the table grows. For each size (processes, most of them
 * TERMINATED, a few hundred open tasks assigned and in pools) a throwaway database is filled set-based
 * (INSERT … SELECT generate_series, then VACUUM ANALYZE) and the real API is started on it in-process; then p50/p99
 * over HTTP of the first page of `/tasks/pool` (staff, admin), `/tasks/mine`, `/entities/{type}/{id}/tasks` and
 * `/processes` (staff, admin; keyset form, and the page form with its count for comparison), after a warm-up.
 * Three runs interleave sizes and endpoints; the figures are the medians of the three. Prints the table and
 * p99(largest)/p99(smallest) per endpoint.
 *
 *   npm run bench:tasks                                     # embedded PostgreSQL (or DATABASE_URL when set)
 *   BENCH_SIZES=10000,100000,1000000 BENCH_SAMPLES=200 BENCH_EXPLAIN=1 npm run bench:tasks
 */
import { randomBytes } from 'node:crypto';
import { ConsoleLogger, Logger } from '@nestjs/common';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { createApp, type CreatedApp } from '../apps/api/src/bootstrap/create-app';
import { logLevelsUpTo } from '../apps/api/src/infra/config/app-config';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../apps/api/src/infra/database/embedded-postgres';
import { ApiClient } from '../apps/api/src/journey/api-client';
import { createBenchDatabase, type BenchDatabase } from './support/bench-database';

const SIZES = (process.env.BENCH_SIZES ?? '10000,100000,1000000').split(',').map((s) => Number(s.trim()));
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 200);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 50);
const RUNS = 3;
/** Open tasks per database: a quarter mine, a quarter in the reception pool, a quarter in the doctor pool, a quarter other operators'. */
const OPEN_TASKS = 400;
const WORKERS = 20;

const design = {
  schemaVersion: 1,
  name: 'task-lists-bench',
  services: [
    { key: 'intake', label: 'Intake', kind: 'manual' },
    { key: 'billing', label: 'Billing', kind: 'manual' },
    { key: 'exam', label: 'Exam', kind: 'manual' },
  ],
  roles: [
    { key: 'reception', label: 'Reception', services: ['intake', 'billing'] },
    { key: 'doctor', label: 'Doctor', services: ['exam'] },
  ],
  operators: [
    { key: 'staff_op', label: 'Staff', username: 'staff_op', roles: ['reception'], staff: true },
    ...Array.from({ length: WORKERS }, (_, i) => ({
      key: `w${i}`,
      label: `Worker ${i}`,
      roles: [i % 3 === 2 ? 'doctor' : 'reception'],
      staff: true,
    })),
  ],
};

type Endpoint = { name: string; who: 'staff' | 'admin'; path: string; target: boolean };
const ENDPOINTS: Endpoint[] = [
  { name: 'pool (staff)', who: 'staff', path: '/v1/tasks/pool', target: true },
  { name: 'pool (admin)', who: 'admin', path: '/v1/tasks/pool', target: true },
  { name: 'mine (staff)', who: 'staff', path: '/v1/tasks/mine', target: true },
  { name: 'entity tasks (staff)', who: 'staff', path: '/v1/entities/Customer/c1/tasks', target: true },
  { name: 'processes (staff)', who: 'staff', path: '/v1/processes', target: true },
  { name: 'processes (admin)', who: 'admin', path: '/v1/processes', target: true },
  { name: 'processes page+count (admin)', who: 'admin', path: '/v1/processes?page=1&pageSize=50', target: false },
];

type Site = { size: number; db: BenchDatabase; app: CreatedApp; tokens: Record<'staff' | 'admin', string> };

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
const median = (xs: number[]) => pct(xs, 50);

/**
 * Fills an empty migrated database with `n` processes: `OPEN_TASKS` open ones spread evenly over the pids (see
 * {@link OPEN_TASKS}), ten open program instances, the rest TERMINATED tasks of the three services, assigned to
 * the workers (5 % to `staff_op`), on `n / 10` customers (about ten processes each).
 */
async function fill(url: string, n: number, version: number): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const customers = Math.max(1, Math.floor(n / 10));
    const stride = Math.max(1, Math.floor(n / OPEN_TASKS));
    await client.query(
      `INSERT INTO entities (type, id, label) SELECT 'Customer', 'c' || i, 'Customer ' || i FROM generate_series(1, $1::int) i`,
      [customers],
    );
    await client.query(
      `INSERT INTO processes (service, design_version, kind, state, priority, entity_type, entity_id, assignee,
         candidate_roles, creator, scheduled_at, started_at, ended_at, terminated_reason, version, created_at, updated_at)
       SELECT
         CASE WHEN o.open THEN (CASE WHEN o.k % 4 = 2 THEN 'exam' ELSE 'intake' END)
              ELSE (ARRAY['intake', 'billing', 'exam'])[1 + i % 3] END,
         $1::int, 'task',
         CASE WHEN NOT o.open THEN 'TERMINATED' WHEN o.k % 4 IN (0, 3) AND o.k % 8 < 4 THEN 'RUNNING' ELSE 'READY' END,
         i % 5, 'Customer', 'c' || (1 + i % $3::int),
         CASE WHEN NOT o.open THEN (CASE WHEN i % 20 = 0 THEN 'staff_op' ELSE 'w' || (i % ${WORKERS}) END)
              WHEN o.k % 4 = 0 THEN 'staff_op' WHEN o.k % 4 = 3 THEN 'w' || (o.k % ${WORKERS}) ELSE NULL END,
         CASE WHEN (o.open AND o.k % 4 = 2) OR (NOT o.open AND i % 3 = 2) THEN ARRAY['doctor'] ELSE ARRAY['reception'] END,
         'w' || (i % ${WORKERS}),
         CASE WHEN o.open THEN (CASE WHEN o.k % 3 = 0 THEN NULL ELSE timestamptz '2026-01-01 00:00Z' + (o.k % 40) * interval '1 hour' END)
              WHEN i % 2 = 0 THEN NULL ELSE timestamptz '2025-01-01 00:00Z' + (i % 10000) * interval '1 minute' END,
         now() - interval '1 day',
         CASE WHEN o.open THEN NULL ELSE now() - interval '1 hour' END,
         CASE WHEN o.open THEN NULL ELSE 'completed' END,
         3, now() - interval '2 days', now()
       FROM generate_series(1, $2::int) i, LATERAL (SELECT i % $4::int = 0 AS open, i / $4::int AS k) o`,
      [version, n - 10, customers, stride],
    );
    await client.query(
      `INSERT INTO processes (service, design_version, kind, state, entity_type, entity_id, candidate_roles, version)
       SELECT 'intake', $1::int, 'program', 'RUNNING', 'Customer', 'c' || i, '{}', 1 FROM generate_series(1, 10) i`,
      [version],
    );
    await client.query('VACUUM ANALYZE processes');
    await client.query('VACUUM ANALYZE entities');
  } finally {
    await client.end();
  }
}

/** A database of `size` processes with the API started on it and tokens of `staff_op` and `admin`. */
async function site(size: number): Promise<Site> {
  const db = await createBenchDatabase(`opkernel_tasks_${size}`);
  let app: CreatedApp | null = null;
  try {
    app = await createApp({ databaseUrl: db.url, port: 0, seed: false });
    const admin = await ApiClient.login(app.url, 'admin', process.env.ADMIN_PASSWORD!);
    const imported = await admin.post<{ version: number }>('/v1/designs?format=native', design);
    const password = `bench-${randomBytes(8).toString('hex')}`;
    await admin.put('/v1/operators/staff_op/password', { password });
    const staff = await ApiClient.login(app.url, 'staff_op', password);
    const t0 = performance.now();
    await fill(db.url, size, imported.version);
    console.log(`# ${size} processes generated in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    return { size, db, app, tokens: { staff: staff.accessToken!, admin: admin.accessToken! } };
  } catch (error) {
    await app?.close();
    await db.drop();
    throw error;
  }
}

/** Latencies (ms) of `count` sequential GETs of `e` on `s`; each answer must be 200 and is read to the end. */
async function measure(s: Site, e: Endpoint, count: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    const res = await fetch(`${s.app.url}/api${e.path}`, { headers: { authorization: `Bearer ${s.tokens[e.who]}` } });
    const body = await res.text();
    out.push(performance.now() - t0);
    if (res.status !== 200) throw new Error(`${e.name} @${s.size}: ${res.status} ${body.slice(0, 300)}`);
  }
  return out;
}

/** EXPLAIN (ANALYZE, BUFFERS) of each `processes p` statement one request of `e` sends (recorded on the app's DataSource). */
async function explain(s: Site, e: Endpoint): Promise<void> {
  const ds = s.app.app.get(DataSource);
  const seen: { sql: string; params: unknown[] }[] = [];
  const original = ds.query.bind(ds);
  ds.query = ((sql: string, params?: unknown[], runner?: never) => {
    if (/FROM processes p\b/.test(sql) || /FROM \(\(SELECT p\.\*/.test(sql)) seen.push({ sql, params: params ?? [] });
    return original(sql, params, runner);
  }) as typeof ds.query;
  try {
    await measure(s, e, 1);
  } finally {
    ds.query = original;
  }
  for (const q of seen) {
    const plan = await original<{ 'QUERY PLAN': string }[]>(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${q.sql}`, q.params);
    console.log(`\n## ${e.name} @ ${s.size}\n${plan.map((r) => r['QUERY PLAN']).join('\n')}`);
  }
}

async function main() {
  process.env.LOG_LEVEL ??= 'warn';
  Logger.overrideLogger(new ConsoleLogger({ json: true, logLevels: logLevelsUpTo('warn') }));
  process.env.JWT_SECRET ??= randomBytes(32).toString('hex');
  process.env.ADMIN_PASSWORD ??= `bench-${randomBytes(8).toString('hex')}`;
  // Three apps in one process: one expression worker each is plenty (lists evaluate no rules).
  process.env.FEEL_WORKERS ??= '1';
  // One server for every size's database (createBenchDatabase would start a cluster per database).
  let embedded: EmbeddedPostgresHandle | null = null;
  if (!process.env.DATABASE_URL) {
    embedded = await startEmbeddedPostgres({ dataDir: '.data/pg-bench', port: 54331 });
    process.env.DATABASE_URL = embedded.url;
  }
  const via = embedded ? 'embedded PostgreSQL' : 'DATABASE_URL';
  const sites: Site[] = [];
  try {
    for (const size of SIZES) sites.push(await site(size));
    for (const s of sites) for (const e of ENDPOINTS) await measure(s, e, WARMUP);
    const p50: Record<string, number[]> = {};
    const p99: Record<string, number[]> = {};
    for (let run = 0; run < RUNS; run++) {
      for (const e of ENDPOINTS) {
        for (const s of sites) {
          const key = `${e.name}@${s.size}`;
          const xs = await measure(s, e, SAMPLES);
          (p50[key] ??= []).push(pct(xs, 50));
          (p99[key] ??= []).push(pct(xs, 99));
        }
      }
    }
    console.log(
      `\n# first page over HTTP, sequential, ${SAMPLES} requests per run, median of ${RUNS} interleaved runs ` +
        `(${via})`,
    );
    console.log(['endpoint'.padEnd(30), ...SIZES.map((n) => `${n} p50 / p99 ms`.padStart(22))].join(' | '));
    for (const e of ENDPOINTS) {
      const cells = SIZES.map((n) => {
        const key = `${e.name}@${n}`;
        return `${median(p50[key]!).toFixed(2)} / ${median(p99[key]!).toFixed(2)}`.padStart(22);
      });
      console.log([e.name.padEnd(30), ...cells].join(' | '));
    }
    const [small, large] = [SIZES[0]!, SIZES[SIZES.length - 1]!];
    console.log(`\n# p99(${large}) / p99(${small}) — target ≤ 2`);
    for (const e of ENDPOINTS) {
      const ratio = median(p99[`${e.name}@${large}`]!) / median(p99[`${e.name}@${small}`]!);
      console.log(`${e.name.padEnd(30)} ${ratio.toFixed(2).padStart(6)}${e.target ? '' : '  (not a target: counts)'}`);
    }
    if (process.env.BENCH_EXPLAIN) {
      const largest = sites[sites.length - 1]!;
      for (const e of ENDPOINTS) await explain(largest, e);
    }
  } finally {
    for (const s of sites) {
      await s.app.close();
      await s.db.drop();
    }
    await embedded?.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
