/**
 * Benchmark: durable process transitions per second through the kernel's API layer (ProcessCommands: one
 * transaction with row lock, kernel decision, versioned UPDATE, audit INSERTs, outbox INSERT) against the raw-SQL
 * floor for the same durable change (BEGIN; UPDATE processes; INSERT process_events; COMMIT), on the same
 * PostgreSQL database in the same run. Prints both figures, latency percentiles and the ratio.
 *
 *   npm run bench                      # embedded PostgreSQL (or DATABASE_URL when set)
 *   BENCH_N=4000 BENCH_CONCURRENCY=8 npm run bench
 */
import { createBenchDatabase } from './support/bench-database';
import { Pool } from 'pg';
import type { Actor } from '@opkernel/kernel';
import { createApp } from '../apps/api/src/bootstrap/create-app';
import { ProcessCommands } from '../apps/api/src/modules/processes/process-commands.service';
import { DesignsService } from '../apps/api/src/modules/designs/designs.service';

const N = Number(process.env.BENCH_N ?? 2000);
const CONCURRENCY = [1, Number(process.env.BENCH_CONCURRENCY ?? 8)];

const design = {
  schemaVersion: 1,
  name: 'bench',
  services: [{ key: 'step', label: 'Step', kind: 'manual' }],
  roles: [{ key: 'worker', label: 'Worker', services: ['step'] }],
};
const actor: Actor = { key: 'admin', roles: ['worker'], admin: true };

async function pool<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const item = items[next++]!;
        const t0 = process.hrtime.bigint();
        await fn(item);
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
    }),
  );
  return latencies;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

async function main() {
  const db = await createBenchDatabase('opkernel_bench');
  const { app, close } = await createApp({ databaseUrl: db.url, port: 0, seed: false });
  const raw = new Pool({ connectionString: db.url, max: Math.max(...CONCURRENCY) });
  try {
    await app.get(DesignsService).import('native', design, 'admin');
    const commands = app.get(ProcessCommands);
    const version = (await raw.query('SELECT max(version) AS v FROM design_versions')).rows[0].v as number;
    const create = async (n: number) => {
      const pids: number[] = [];
      for (let i = 0; i < n; i++) {
        const cs = await commands.execute((k) =>
          k.startProcess({ service: 'step', designVersion: version, entity: null, actor }),
        );
        pids.push(cs.result.pid);
      }
      return pids;
    };
    console.log(
      `# durable transitions: kernel API layer vs raw SQL — N=${N} per run, same database (${process.env.DATABASE_URL ? 'DATABASE_URL' : 'embedded'})`,
    );
    console.log(
      'concurrency | kernel tx/s | kernel p50 ms | kernel p99 ms | raw tx/s | raw p50 ms | raw p99 ms | kernel/raw',
    );
    for (const c of CONCURRENCY) {
      const forKernel = await create(N);
      const forRaw = await create(N);
      const t0 = performance.now();
      const kLat = await pool(forKernel, c, async (pid) => {
        await commands.execute((k) => k.start(pid, actor));
      });
      const kernelSecs = (performance.now() - t0) / 1000;
      const t1 = performance.now();
      const rLat = await pool(forRaw, c, async (pid) => {
        const client = await raw.connect();
        try {
          await client.query('BEGIN');
          await client.query(
            `UPDATE processes SET state = 'RUNNING', assignee = $2, started_at = now(), updated_at = now(), version = version + 1 WHERE pid = $1`,
            [pid, actor.key],
          );
          await client.query(
            `INSERT INTO process_events (pid, actor, action, from_state, to_state) VALUES ($1, $2, 'start', 'READY', 'RUNNING')`,
            [pid, actor.key],
          );
          await client.query('COMMIT');
        } finally {
          client.release();
        }
      });
      const rawSecs = (performance.now() - t1) / 1000;
      const k = N / kernelSecs;
      const r = N / rawSecs;
      console.log(
        `${String(c).padStart(11)} | ${k.toFixed(0).padStart(11)} | ${pct(kLat, 50).toFixed(2).padStart(13)} | ${pct(kLat, 99).toFixed(2).padStart(13)} | ${r.toFixed(0).padStart(8)} | ${pct(rLat, 50).toFixed(2).padStart(10)} | ${pct(rLat, 99).toFixed(2).padStart(10)} | ${(k / r).toFixed(2).padStart(10)}`,
      );
      const states = await raw.query(
        `SELECT state, count(*)::int AS n FROM processes WHERE pid = ANY($1) GROUP BY state`,
        [[...forKernel, ...forRaw]],
      );
      if (states.rows.length !== 1 || states.rows[0].state !== 'RUNNING')
        throw new Error(`not every transition landed: ${JSON.stringify(states.rows)}`);
    }
  } finally {
    await raw.end();
    await close();
    await db.drop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
