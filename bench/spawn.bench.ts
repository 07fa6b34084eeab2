/**
 * Benchmark: spawning journeys, and the API's memory footprint.
 *
 * Spawn: BENCH_SPAWN_N (100) clinic journeys started at once — that many concurrent `POST /api/v1/processes` for the
 * entry service 客户服务 with new entities, as 小方 — each until every process its start created is READY/RUNNING
 * (the answer's cascade says so, else its entity's task list is polled), next to the same number of raw durable
 * inserts at once (BEGIN; INSERT processes; INSERT process_events; COMMIT, each its own transaction, from a pool as
 * big as the app's). Per-journey latency p50/p99 and the wall time of the whole burst; a warm-up burst of each,
 * then 3 bursts alternating (which goes first alternates too), medians of the 3.
 *
 * Footprint: the API started as `npm start` starts it — `node scripts/start.mjs` (web build skipped), which runs the
 * API as its child — with DATABASE_URL set to a throwaway database (it imports the clinic design on first start);
 * VmRSS of the API process (and of the FEEL expression processes it runs, separately) from /proc once /api/health
 * answers and it has idled, next to a bare `node -e "setInterval(()=>{},1e9)"`; then again with BENCH_SPAWN_LIVE
 * (1000,10000) live processes: created through the API (journeys started by POST /processes, 16 at a time: each
 * makes 2 live processes, 客户服务 RUNNING + 新预约 READY), then a few reads over them (my tasks, the pool, the
 * process list), then idle. The spawn bursts above run against the same child API (HTTP from this process).
 *
 *   npm run bench:spawn                        # embedded PostgreSQL (or DATABASE_URL when set)
 *   BENCH_SPAWN_N=20 BENCH_SPAWN_LIVE=200,1000 npm run bench:spawn
 *   env: BENCH_SPAWN_N (100), BENCH_RUNS (3), BENCH_SPAWN_LIVE (1000,10000), BENCH_SPAWN_IDLE_MS (3000)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { Pool } from 'pg';
import { buildDataSourceOptions } from '../apps/api/src/infra/database/data-source';
import { ApiClient } from '../apps/api/src/journey/api-client';
import { createBenchDatabase } from './support/bench-database';
import { benchPassword, ENTRY_SERVICE } from './support/clinic';
import { envInt, envInts, fmt, median, pct, printTable, rssKb, runConcurrently } from './support/stats';
import { runBench } from './support/run';

const N = envInt('BENCH_SPAWN_N', 100);
const RUNS = envInt('BENCH_RUNS', 3);
const LIVE = envInts('BENCH_SPAWN_LIVE', [1000, 10_000]);
const IDLE_MS = envInt('BENCH_SPAWN_IDLE_MS', 3000);
const ROOT = path.resolve(__dirname, '..');
const BENCH = '/* bench */';
const LIVE_STATES = ['READY', 'RUNNING'];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

/** The direct children of a Linux process (from /proc/<pid>/stat's ppid). */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) out.push(Number(d));
    } catch {
      // gone
    }
  }
  return out;
}
const descendantsOf = (pid: number): number[] => childrenOf(pid).flatMap((c) => [c, ...descendantsOf(c)]);

/** Median of 3 VmRSS readings 250 ms apart, kB, of `pid` and (summed) of `others`. */
async function rss(
  pid: number,
  others: () => number[] = () => [],
): Promise<{ rss: number; hwm: number; others: number }> {
  const xs: { rss: number; hwm: number; others: number }[] = [];
  for (let i = 0; i < 3; i++) {
    const own = rssKb(pid);
    const o = others().reduce((a, p) => {
      try {
        return a + rssKb(p).rss;
      } catch {
        return a;
      }
    }, 0);
    xs.push({ ...own, others: o });
    await sleep(250);
  }
  return {
    rss: median(xs.map((x) => x.rss)),
    hwm: median(xs.map((x) => x.hwm)),
    others: median(xs.map((x) => x.others)),
  };
}

async function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return true;
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(t);
      resolve(true);
    });
  });
}

const mb = (kb: number) => fmt(kb / 1024, 1);

async function main(): Promise<boolean> {
  const started = performance.now();
  const adminPassword = benchPassword();
  const db = await createBenchDatabase('opkernel_spawn');
  let launcher: ChildProcess | null = null;
  let apiPid: number | undefined;
  let log = '';
  let bare: ChildProcess | null = null;
  let raw: Pool | null = null;
  let failed = false;
  const fail = (message: string) => {
    failed = true;
    console.error(`SANITY: ${message}`);
  };
  try {
    // The API as `npm start` starts it.
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    launcher = spawn(process.execPath, ['scripts/start.mjs'], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: db.url,
        PORT: String(port),
        HOST: '127.0.0.1',
        ADMIN_PASSWORD: adminPassword,
        JWT_SECRET: randomBytes(32).toString('hex'),
        LOG_LEVEL: 'warn',
        OPKERNEL_SKIP_WEB_BUILD: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    launcher.stdout!.on('data', (d: Buffer) => (log += d.toString()));
    launcher.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    const t0 = performance.now();
    for (;;) {
      if (launcher.exitCode !== null) throw new Error(`npm start's API exited (${launcher.exitCode}):\n${log}`);
      if (performance.now() - t0 > 300_000) throw new Error(`the API did not answer /api/health within 300 s:\n${log}`);
      const ok = await fetch(`${url}/api/health`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      await sleep(200);
    }
    const bootMs = performance.now() - t0;
    apiPid = childrenOf(launcher.pid!).find((p) => /node/.test(readFileSync(`/proc/${p}/comm`, 'utf8')));
    if (!apiPid) throw new Error(`no API process under the launcher ${launcher.pid}`);
    const api = apiPid;
    const helpers = () => descendantsOf(api);

    bare = spawn(process.execPath, ['-e', 'setInterval(()=>{},1e9)'], { stdio: 'ignore' });
    await sleep(IDLE_MS);
    const idleApi = await rss(api, helpers);
    const idleBare = await rss(bare.pid!);

    const admin = await ApiClient.login(url, 'admin', adminPassword);
    const password = benchPassword();
    await admin.put('/v1/operators/xiao_fang/password', { password });
    const fang = await ApiClient.login(url, 'fang', password);

    // Spawn bursts.
    const poolSize = (buildDataSourceOptions(db.url) as { poolSize?: number }).poolSize ?? 10;
    raw = new Pool({ connectionString: db.url, max: poolSize });
    const version = (await raw.query<{ v: number }>(`${BENCH} SELECT max(version) AS v FROM design_versions`)).rows[0]!
      .v;
    let seq = 0;
    type Burst = { p50: number; p99: number; wall: number };
    const appEntities: string[] = [];
    const appBurst = async (n: number): Promise<Burst> => {
      const items = Array.from({ length: n }, () => `spawn ${++seq}`);
      const latencies: number[] = [];
      const t = performance.now();
      await Promise.all(
        items.map(async (label) => {
          const s = performance.now();
          const r = await fang.post<{
            state: string;
            entity: { type: string; id: string };
            cascade: { state: string }[];
          }>('/v1/processes', { service: ENTRY_SERVICE, entity: { type: 'Operator', label } });
          appEntities.push(r.entity.id);
          const live = (states: string[]) => states.length > 0 && states.every((x) => LIVE_STATES.includes(x));
          if (!live([r.state, ...r.cascade.map((c) => c.state)])) {
            // Not all READY/RUNNING in the answer: poll the entity's processes until they are.
            const p = `/v1/entities/${r.entity.type}/${encodeURIComponent(r.entity.id)}/tasks`;
            for (let i = 0; ; i++) {
              const g = await fang.get<Record<string, { state: string }[]>>(p);
              if (
                live([...(g['scheduled'] ?? []), ...(g['running'] ?? [])].map((x) => x.state)) &&
                (g['paused'] ?? []).length === 0
              )
                break;
              if (i > 2000) throw new Error(`journey of ${label} never became READY/RUNNING`);
              await sleep(5);
            }
          }
          latencies.push(performance.now() - s);
        }),
      );
      return { p50: pct(latencies, 50), p99: pct(latencies, 99), wall: performance.now() - t };
    };
    let rawRows = 0;
    const rawBurst = async (n: number): Promise<Burst> => {
      const latencies: number[] = [];
      const t = performance.now();
      await Promise.all(
        Array.from({ length: n }, async () => {
          const s = performance.now();
          const c = await raw!.connect();
          try {
            await c.query('BEGIN');
            const { rows } = await c.query<{ pid: string }>(
              `INSERT INTO processes (service, design_version, kind, state, entity_type, entity_id, assignee, candidate_roles, creator, version)
               VALUES ($1, $2, 'task', 'READY', 'BenchRaw', $3, 'xiao_fang', $4, 'xiao_fang', 1) RETURNING pid`,
              ['xin_yu_yue', version, randomBytes(16).toString('hex'), ['ke_fu', 'guan_li_yuan']],
            );
            await c.query(
              `INSERT INTO process_events (pid, actor, action, from_state, to_state, cause, at, prev_hash, hash)
               VALUES ($1, 'xiao_fang', 'created', NULL, 'READY', $2, now(), NULL, $3)`,
              [rows[0]!.pid, JSON.stringify({ action: 'start_process' }), randomBytes(32).toString('hex')],
            );
            await c.query('COMMIT');
            rawRows++;
          } finally {
            c.release();
          }
          latencies.push(performance.now() - s);
        }),
      );
      return { p50: pct(latencies, 50), p99: pct(latencies, 99), wall: performance.now() - t };
    };
    await appBurst(Math.max(1, Math.round(N / 5)));
    await rawBurst(Math.max(1, Math.round(N / 5)));
    appEntities.length = 0;
    rawRows = 0;
    const app: Burst[] = [];
    const rawB: Burst[] = [];
    for (let r = 0; r < RUNS; r++) {
      await sleep(300); // let the relay's work of the last burst end
      if (r % 2 === 0) {
        app.push(await appBurst(N));
        await sleep(300);
        rawB.push(await rawBurst(N));
      } else {
        rawB.push(await rawBurst(N));
        await sleep(300);
        app.push(await appBurst(N));
      }
    }
    const states = (
      await raw.query<{ state: string; n: number }>(
        `${BENCH} SELECT state, count(*)::int AS n FROM processes WHERE entity_type = 'Operator' AND entity_id = ANY($1) GROUP BY state`,
        [appEntities],
      )
    ).rows;
    const liveN = states.filter((s) => LIVE_STATES.includes(s.state)).reduce((a, s) => a + s.n, 0);
    const other = states.filter((s) => !LIVE_STATES.includes(s.state));
    if (appEntities.length !== N * RUNS || other.length > 0 || liveN < 2 * N * RUNS)
      fail(`spawned journeys: ${appEntities.length} of ${N * RUNS} answered, processes ${JSON.stringify(states)}`);
    if (rawRows !== N * RUNS) fail(`raw inserts: ${rawRows} of ${N * RUNS} committed`);

    // RSS with live processes.
    const footprint: { label: string; rss: { rss: number; hwm: number; others: number }; note: string }[] = [
      { label: 'bare node (setInterval)', rss: idleBare, note: '' },
      { label: 'API idle after start', rss: idleApi, note: `boot to /api/health ${fmt(bootMs / 1000)} s` },
    ];
    const countLive = async () =>
      (
        await raw!.query<{ n: number }>(
          `${BENCH} SELECT count(*)::int AS n FROM processes WHERE state <> 'TERMINATED' AND entity_type IS DISTINCT FROM 'BenchRaw'`,
        )
      ).rows[0]!.n;
    for (const target of LIVE) {
      const t = performance.now();
      let have = await countLive();
      const journeys = Math.max(0, Math.ceil((target - have) / 2));
      await runConcurrently(
        Array.from({ length: journeys }, () => `live ${++seq}`),
        16,
        async (label) => {
          await fang.post('/v1/processes', { service: ENTRY_SERVICE, entity: { type: 'Operator', label } });
        },
      );
      have = await countLive();
      if (have < target) fail(`only ${have} of ${target} live processes`);
      const createSecs = (performance.now() - t) / 1000;
      // A few reads over them.
      await fang.get('/v1/tasks/mine');
      await fang.get('/v1/tasks/pool');
      await admin.get('/v1/processes');
      await sleep(IDLE_MS);
      footprint.push({
        label: `API with ${have} live processes`,
        rss: await rss(api, helpers),
        note: `${journeys} journeys created via POST /processes in ${fmt(createSecs)} s (${fmt(journeys / createSecs, 0)}/s)`,
      });
    }

    console.log(
      `# spawn: ${N} clinic journeys (POST /api/v1/processes 客户服务, new entities) at once until READY/RUNNING vs ${N} raw ` +
        `durable inserts at once (INSERT processes + INSERT process_events, a transaction each, pool ${poolSize}); ` +
        `median of ${RUNS} interleaved bursts after a warm-up; API = npm start's process; ${process.env.DATABASE_URL ? 'DATABASE_URL' : 'embedded PostgreSQL'}`,
    );
    const m = (xs: Burst[], k: keyof Burst) => median(xs.map((x) => x[k]));
    printTable(
      ['scenario', 'n', 'p50 ms', 'p99 ms', 'wall ms', 'per second'],
      [
        [
          'app: journeys started',
          N,
          fmt(m(app, 'p50'), 1),
          fmt(m(app, 'p99'), 1),
          fmt(m(app, 'wall'), 0),
          fmt((N / m(app, 'wall')) * 1000, 0),
        ],
        [
          'raw: durable inserts',
          N,
          fmt(m(rawB, 'p50'), 1),
          fmt(m(rawB, 'p99'), 1),
          fmt(m(rawB, 'wall'), 0),
          fmt((N / m(rawB, 'wall')) * 1000, 0),
        ],
        [
          'app/raw',
          '',
          fmt(m(app, 'p50') / m(rawB, 'p50'), 1),
          fmt(m(app, 'p99') / m(rawB, 'p99'), 1),
          fmt(m(app, 'wall') / m(rawB, 'wall'), 1),
          '',
        ],
      ],
    );
    console.log('');
    console.log(
      '# footprint: VmRSS from /proc (median of 3 readings) after idling; FEEL = the API’s expression processes (children), summed',
    );
    printTable(
      ['process', 'VmRSS MB', 'VmHWM MB', 'vs bare node', 'FEEL children MB', 'note'],
      footprint.map((f) => [
        f.label,
        mb(f.rss.rss),
        mb(f.rss.hwm),
        fmt(f.rss.rss / idleBare.rss, 1) + '×',
        f.label.startsWith('bare') ? '' : mb(f.rss.others),
        f.note,
      ]),
    );
    console.log(`# total ${fmt((performance.now() - started) / 1000)} s`);
  } catch (e) {
    console.error(`the API's output (last 4000 characters):\n${log.slice(-4000)}`);
    throw e;
  } finally {
    await raw?.end();
    if (bare) bare.kill('SIGTERM');
    if (launcher && launcher.exitCode === null) {
      launcher.kill('SIGTERM'); // start.mjs forwards it to the API, which closes its pool
      if (!(await waitExit(launcher, 20_000))) launcher.kill('SIGKILL');
    }
    // The API runs in its own process group (start.mjs): make sure it is gone too.
    if (apiPid !== undefined) {
      try {
        process.kill(apiPid, 0);
        await sleep(2000);
        process.kill(apiPid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await db.drop();
  }
  return failed;
}

runBench(main);
