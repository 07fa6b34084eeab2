/**
 * Benchmark B4 (reference/scheduler.md §7, adapted to a 2-core box): get-next — the scheduler's pull — through the
 * app, next to a raw `FOR UPDATE SKIP LOCKED` dequeue of the same rows, on the same PostgreSQL database in the same
 * run, at backlogs of 1k…1M READY tasks.
 *
 * Workload (seed 42): a native design imported over REST (`POST /api/v1/designs?format=native`) with 4 roles, 8
 * skills, 20 services (each role has one without skills; the others need 0–2 skills at levels 1–5; 30 % belong to
 * two roles, so their tasks wait in two lanes) and BENCH_OPERATORS (100) staff operators with 1–3 roles, skills at
 * levels 1–7 and capacity null or 10⁶ (checked, never binding). Per backlog N, a set-based prefill (`INSERT … SELECT
 * generate_series`, then `VACUUM ANALYZE`) writes N READY unassigned tasks — service uniform, priority uniform
 * 0–1000, arrival uniform over the last hour, fairness key one of 100 with Zipf(1.1) skew, weight 1 — as the app
 * would: `processes` rows shaped like a task spawned through the kernel (checked column by column against one), a
 * `process_frames` row each (the kernel's `newFrame`, its canonical-JSON SHA-256 as the hash), and one
 * `ready_queue` row per lane with the kernel's VirtualClock tag and rank (closed form of `enqueueTag`'s recurrence
 * in a window function: tag_j = (j+1)·Q + max_{i≤j}(t_i − i·Q) per lane and fairness key; rank = tag − points·m;
 * re-checked against `enqueueTag`/`rankOf` for a sample of lanes and keys). `l4_ready(lane, pid, class, rank)`
 * gets the same rows, with the same index and storage options as `ready_queue`.
 *
 * Ours: C = BENCH_CONCURRENCY async workers in-process, each call a random operator (the same seeded sequence for
 * every system of a run; each worker draws from its own share of the operators, those ≡ w mod C, so no operator has
 * two get-next in flight — no person does, and two would queue on the `operator_state` row lock) →
 * `ProcessCommands.execute(k => k.assignNext(actor, { designVersion }))`: `operator_state`
 * locked, one statement of lane heads (`unnest(lanes) CROSS JOIN LATERAL … FOR UPDATE OF p, f SKIP LOCKED LIMIT
 * 1`), the kernel's choice and explanation, the changeset writer's one statement (assignment, lane rows, load,
 * explanation, audit, outbox), BEGIN…COMMIT; the outbox relay delivers after commit, as in production.
 *
 * Raw (same harness, a `pg` pool as big as the app's, named prepared statements like the app's, BEGIN/COMMIT):
 *  - `merged` (the comparison the ratios use): one statement that does the same job for the same operator — the
 *    best head over *all* the operator's lanes, each head locked `SKIP LOCKED`, the best one deleted:
 *    `WITH c AS (SELECT h.lane, h.pid FROM unnest($1) l CROSS JOIN LATERAL (SELECT … FROM l4_ready WHERE lane =
 *    l.lane ORDER BY class, rank, pid LIMIT 1 FOR UPDATE SKIP LOCKED) h ORDER BY class, rank, pid LIMIT 1) DELETE …
 *    USING c … RETURNING`. It locks what ours locks (one head per lane) and reads what ours must read, minus the
 *    PCB, the operator row and every write but the dequeue: the floor of get-next in SQL.
 *  - `lane` (the reference's L4): `WITH c AS (SELECT lane, pid FROM l4_ready WHERE lane = $1 ORDER BY class, rank,
 *    pid FOR UPDATE SKIP LOCKED LIMIT 1) DELETE … RETURNING` on one random lane of the operator: a plain queue pop,
 *    one index probe — cheaper than any get-next over several lanes, so ours/lane is reported beside it.
 *  - `any` (off by default): the same with `lane = ANY($1)` over the operator's lanes. Not the comparison: a
 *    btree cannot return `(class, rank, pid)` order across several `lane` values, so PostgreSQL reads and sorts
 *    every row of those lanes (O(backlog); at 10k READY, 11 lanes: a Seq Scan of 12k rows and a sort, 7 ms,
 *    against 0.14 ms for `merged` — see BENCH_EXPLAIN): a raw baseline that degrades with N would flatter ours.
 * The backlog stays at N: each measured run makes BENCH_CALLS calls (default min(1000, N/5)); after it, untimed,
 * every task ours assigned is put back as a new READY task with the same service, priority, fairness key, tag and
 * rank (a new pid; the assigned one stays assigned, so the checks below keep their meaning), every row raw deleted
 * is inserted again, and both queue tables (and `operator_state`) are vacuumed — each run starts from the same N
 * rows. Per (N, C): a warm-up of every system, then BENCH_RUNS (3) runs of each, interleaved (which goes first
 * rotates); figures are medians of the runs. Statements per get-next are recorded over 20 sequential calls per N
 * (the get-next transaction, and the outbox relay's work that follows, separately).
 *
 * Checks after every run (any failure → SANITY CHECK FAILED, exit 1): no pid assigned twice (`process_events`);
 * no `ready_queue` row of an assigned task; load = Σ weights for every `operator_state` row (the reference's query,
 * restricted to assigned rows — the same result); no command error; the backlog back at N after each refill.
 *
 * Targets (reference §7; on a 2-vCPU box report the ratios only): ours ≥ 0.5 × raw (merged) at every C;
 * p99(1M)/p99(1k) ≤ 2 (printed per C for ours and raw, for the largest over the smallest backlog measured).
 *
 *   npm run bench:scheduler                               # embedded PostgreSQL (or DATABASE_URL when set)
 *   BENCH_BACKLOG=1000,10000 BENCH_CONCURRENCY=1,8 BENCH_RUNS=1 npm run bench:scheduler
 *   BENCH_BACKLOG=1000,10000,100000,1000000 npm run bench:scheduler
 *   env: BENCH_BACKLOG (1000,10000,100000), BENCH_CONCURRENCY (1,8,32), BENCH_RUNS (3), BENCH_CALLS (calls per run,
 *        min(1000, N/5), at most N/2), BENCH_OPERATORS (100), BENCH_RAW (merged,lane; also any),
 *        BENCH_EXPLAIN (1: EXPLAIN ANALYZE of ours' lane-heads and writer statements and of the raw dequeues, per N),
 *        BENCH_SYNCHRONOUS_COMMIT (on|off|local: set on the throwaway database for both; default the server's)
 */
import { StatementCounter, recordStatements, type RecordedStatement } from './support/statement-counter';
/** The benchmark's own bookkeeping statements start with this comment and are not counted. */
const BENCH_SQL = '/* bench */';
/** The raw dequeues start with this one (not counted either: the counts are ours). */
const RAW_SQL = '/* raw */';
const counter = StatementCounter.install(/^\/\* (bench|raw) \*\//);
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { Client, Pool, type PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import {
  canonicalJson,
  enqueueTag,
  frameHash,
  lanesFor,
  lanesOf,
  msPerPoint,
  newFrame,
  pointsOf,
  rankOf,
  type Actor,
  type ContextFrame,
  type SchedulerSettings,
} from '@opkernel/kernel';
import { createApp } from '../apps/api/src/bootstrap/create-app';
import { ApiClient } from '../apps/api/src/journey/api-client';
import { DesignRegistry } from '../apps/api/src/modules/designs/design-registry.service';
import { ProcessCommands } from '../apps/api/src/modules/processes/process-commands.service';
import { createBenchDatabase } from './support/bench-database';
import { benchPassword } from './support/clinic';
import { envInt, envInts, envWords, fmt, median, pct, printTable } from './support/stats';
import { runBench } from './support/run';

const BACKLOG = envInts('BENCH_BACKLOG', [1000, 10_000, 100_000]);
const CONCURRENCY = envInts('BENCH_CONCURRENCY', [1, 8, 32]);
const RUNS = envInt('BENCH_RUNS', 3);
const CALLS = process.env.BENCH_CALLS ? envInt('BENCH_CALLS', 1000) : null;
const OPERATORS = envInt('BENCH_OPERATORS', 100);
const RAWS = envWords('BENCH_RAW', ['merged', 'lane', 'any'] as const, ['merged', 'lane']);
const EXPLAIN = process.env.BENCH_EXPLAIN === '1';
const SYNCHRONOUS_COMMIT = envWords('BENCH_SYNCHRONOUS_COMMIT', ['on', 'off', 'local'] as const, [])[0] ?? null;
const SEED = 42;
const ROLES = 4;
const SKILLS = 8;
const SERVICES = 20;
const FAIRNESS_KEYS = 100;
const ZIPF_S = 1.1;
/** Statements per get-next are recorded over this many sequential calls per backlog. */
const RECORDED_CALLS = 20;
/** A number that stands for the pid in the frame template (replaced by each task's pid in SQL). */
const PID_SENTINEL = 987654321987;

type Raw = (typeof RAWS)[number];
type System = 'ours' | Raw;
type Op = { key: string; actor: Actor; lanes: string[] };
/** One call: an operator, and a uniform number that picks one of their lanes (for `lane`). */
type Call = { op: Op; u: number };
type RunResult = {
  secs: number;
  calls: number;
  got: number;
  empty: number;
  errors: number;
  rollbacks: number;
  p50: number;
  p99: number;
  tps: number;
};

/** mulberry32: a small seeded PRNG in [0, 1). */
function rngOf(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pad = (i: number, n: number) => String(i).padStart(n, '0');

/** The B4 design: roles, skills, services needing 0–2 skills, operators with roles, skills and capacities. */
function buildDesign(rng: () => number) {
  const distinct = <T>(xs: readonly T[], n: number) => {
    const pool = [...xs];
    const out: T[] = [];
    while (out.length < n && pool.length > 0) out.push(pool.splice(Math.floor(rng() * pool.length), 1)[0]!);
    return out;
  };
  const roleKeys = Array.from({ length: ROLES }, (_, i) => `r${i}`);
  const skillKeys = Array.from({ length: SKILLS }, (_, i) => `s${i}`);
  const services = Array.from({ length: SERVICES }, (_, i) => {
    // The first service of each role needs no skill: every operator has at least the lane `role|`.
    const roles = i < ROLES ? [roleKeys[i]!] : distinct(roleKeys, rng() < 0.3 ? 2 : 1);
    const u = rng();
    const n = i < ROLES ? 0 : u < 0.3 ? 0 : u < 0.7 ? 1 : 2;
    const skills = distinct(skillKeys, n).map((skill) => ({ skill, level: 1 + Math.floor(rng() * 5) }));
    return { key: `v${pad(i, 2)}`, roles, skills };
  });
  const operators = Array.from({ length: OPERATORS }, (_, i) => ({
    key: `op${pad(i, 4)}`,
    label: `Operator ${i}`,
    roles: distinct(roleKeys, 1 + Math.floor(rng() * 3)).sort(),
    staff: true,
    skills: skillKeys.filter(() => rng() < 0.5).map((skill) => ({ skill, level: 1 + Math.floor(rng() * 7) })),
    capacity: i % 2 === 0 ? null : 1_000_000,
  }));
  return {
    schemaVersion: 1,
    name: 'b4-scheduler-bench',
    skills: skillKeys.map((key) => ({ key, label: `Skill ${key}` })),
    services: services.map((s) => ({
      key: s.key,
      label: `Service ${s.key}`,
      kind: 'manual',
      manualStart: true,
      skills: s.skills,
    })),
    roles: roleKeys.map((key) => ({
      key,
      label: `Role ${key}`,
      services: services.filter((s) => s.roles.includes(key)).map((s) => s.key),
    })),
    operators,
  };
}

/** Lower bucket bounds for `width_bucket`: P(key < k) for k = 1…K−1 under Zipf(s). */
function zipfBounds(k: number, s: number): number[] {
  const w = Array.from({ length: k }, (_, i) => 1 / (i + 1) ** s);
  const total = w.reduce((a, b) => a + b, 0);
  const out: number[] = [];
  let acc = 0;
  for (let i = 0; i < k - 1; i++) out.push((acc += w[i]! / total));
  return out;
}

// ---- SQL --------------------------------------------------------------------------------------------------------

const QUEUE_OPTIONS = `WITH (fillfactor = 90, autovacuum_vacuum_scale_factor = 0.01,
  autovacuum_vacuum_insert_scale_factor = 0.01, autovacuum_vacuum_cost_delay = 0)`;

/** The benchmark's own tables: the raw queue, and the generated tasks and lane rows (for the refills). */
const SETUP_SQL = [
  `CREATE TABLE l4_ready (lane text NOT NULL, pid bigint NOT NULL, class int NOT NULL DEFAULT 0,
     rank bigint NOT NULL, PRIMARY KEY (lane, pid)) ${QUEUE_OPTIONS}`,
  `CREATE INDEX l4_ready_dispatch ON l4_ready (lane, class, rank, pid)`,
  `CREATE TABLE b4_services (idx int PRIMARY KEY, key text NOT NULL, roles text[] NOT NULL, lanes text[] NOT NULL)`,
  `CREATE TABLE b4_tasks (pid bigint PRIMARY KEY, svc int NOT NULL, priority int NOT NULL, fkey text NOT NULL,
     arrival bigint NOT NULL, queue_tag bigint)`,
  `CREATE TABLE b4_lanes (pid bigint NOT NULL, lane text NOT NULL, fkey text NOT NULL, class int NOT NULL,
     rank bigint NOT NULL, tag bigint NOT NULL, PRIMARY KEY (pid, lane))`,
];

/** N tasks: service uniform, priority uniform 0–1000, Zipf fairness key, arrival over the last hour. */
const GEN_TASKS = `${BENCH_SQL}
INSERT INTO b4_tasks (pid, svc, priority, fkey, arrival)
SELECT nextval('process_pid_seq'), floor(r.u1 * $2::int)::int, floor(r.u2 * 1001)::int,
       'f' || lpad(width_bucket(r.u3, $3::float8[])::text, 2, '0'), $4::bigint - floor(r.u4 * 3600000)::bigint
  FROM (SELECT i, random() AS u1, random() AS u2, random() AS u3, random() AS u4
          FROM generate_series(1, $1::int) AS i) r`;

/**
 * Their lane rows with the kernel's VirtualClock tags, in arrival order per (lane, fairness key): the closed form of
 * tag_j = max(tag_{j−1}, t_j) + Q (c = w = 1) is (j+1)·Q + max_{i≤j}(t_i − i·Q); rank = tag − points·m, class 0.
 */
const GEN_LANES = `${BENCH_SQL}
INSERT INTO b4_lanes (pid, lane, fkey, class, rank, tag)
SELECT pid, lane, fkey, 0, round(tag - LEAST(priority, 1100) * $2::float8)::bigint, tag FROM (
  SELECT pid, lane, fkey, priority,
         (rn + 1) * $1::bigint + max(arrival - rn * $1::bigint)
           OVER (PARTITION BY lane, fkey ORDER BY arrival, pid ROWS UNBOUNDED PRECEDING) AS tag
    FROM (SELECT t.pid, l.lane, t.fkey, t.priority, t.arrival,
                 row_number() OVER (PARTITION BY l.lane, t.fkey ORDER BY t.arrival, t.pid) - 1 AS rn
            FROM b4_tasks t JOIN b4_services s ON s.idx = t.svc CROSS JOIN unnest(s.lanes) AS l(lane)) x) y`;

const GEN_QUEUE_TAGS = `${BENCH_SQL}
UPDATE b4_tasks t SET queue_tag = m.tag FROM (SELECT pid, min(tag) AS tag FROM b4_lanes GROUP BY pid) m
 WHERE m.pid = t.pid`;

/** `$1`: the pids to materialise, or null for all. */
const ONLY = `($1::bigint[] IS NULL OR t.pid = ANY($1::bigint[]))`;

/** The generated tasks as the app's rows: `processes`, `process_frames`, `ready_queue`. */
const MATERIALISE = [
  `${BENCH_SQL}
  INSERT INTO processes (pid, service, design_version, kind, state, priority, candidate_roles, creator, version,
    created_at, updated_at, urgency, fairness_key, queue_tag, queued_ms, weight)
  SELECT t.pid, s.key, $2::int, 'task', 'READY', t.priority, s.roles, $3::text, $4::int,
         to_timestamp(t.arrival / 1000.0), to_timestamp(t.arrival / 1000.0), 0, t.fkey, t.queue_tag, 0, 1
    FROM b4_tasks t JOIN b4_services s ON s.idx = t.svc WHERE ${ONLY}`,
  `${BENCH_SQL}
  INSERT INTO process_frames (pid, frame, hash, version)
  SELECT t.pid, f.txt::jsonb, encode(sha256(convert_to(f.txt, 'UTF8')), 'hex'), $3::int
    FROM b4_tasks t CROSS JOIN LATERAL (SELECT replace($2::text, $4::text, t.pid::text) AS txt) f WHERE ${ONLY}`,
  `${BENCH_SQL}
  INSERT INTO ready_queue (lane, pid, fairness_key, class, rank, tag, weight, resource_types, queued_at)
  SELECT l.lane, l.pid, l.fkey, l.class, l.rank, l.tag, 1, '{}', to_timestamp(t.arrival / 1000.0)
    FROM b4_lanes l JOIN b4_tasks t ON t.pid = l.pid WHERE ${ONLY}`,
] as const;

/** Copies of the given generated tasks (and their lane rows) under new pids; returns the new pids. */
const COPY_TASKS = `${BENCH_SQL}
WITH m AS (SELECT u.old, nextval('process_pid_seq') AS pid FROM unnest($1::bigint[]) AS u(old)),
 t AS (INSERT INTO b4_tasks (pid, svc, priority, fkey, arrival, queue_tag)
       SELECT m.pid, t.svc, t.priority, t.fkey, t.arrival, t.queue_tag FROM m JOIN b4_tasks t ON t.pid = m.old),
 l AS (INSERT INTO b4_lanes (pid, lane, fkey, class, rank, tag)
       SELECT m.pid, l.lane, l.fkey, l.class, l.rank, l.tag FROM m JOIN b4_lanes l ON l.pid = m.old)
SELECT array_agg(pid)::bigint[] AS pids FROM m`;

const RAW_RETURNING = 'RETURNING q.lane, q.pid, q.class, q.rank';
const RAW_STATEMENTS: Record<Raw, string> = {
  merged: `${RAW_SQL} WITH c AS (
  SELECT h.lane, h.pid FROM unnest($1::text[]) AS l(lane) CROSS JOIN LATERAL (
    SELECT q.lane, q.pid, q.class, q.rank FROM l4_ready q WHERE q.lane = l.lane
     ORDER BY q.class, q.rank, q.pid LIMIT 1 FOR UPDATE SKIP LOCKED) h
   ORDER BY h.class, h.rank, h.pid LIMIT 1)
DELETE FROM l4_ready q USING c WHERE q.lane = c.lane AND q.pid = c.pid ${RAW_RETURNING}`,
  lane: `${RAW_SQL} WITH c AS (SELECT lane, pid FROM l4_ready WHERE lane = $1 ORDER BY class, rank, pid
  FOR UPDATE SKIP LOCKED LIMIT 1)
DELETE FROM l4_ready q USING c WHERE q.lane = c.lane AND q.pid = c.pid ${RAW_RETURNING}`,
  any: `${RAW_SQL} WITH c AS (SELECT lane, pid FROM l4_ready WHERE lane = ANY($1::text[]) ORDER BY class, rank, pid
  FOR UPDATE SKIP LOCKED LIMIT 1)
DELETE FROM l4_ready q USING c WHERE q.lane = c.lane AND q.pid = c.pid ${RAW_RETURNING}`,
};

const CHECKS = {
  doubleAssigned: `${BENCH_SQL} SELECT pid FROM process_events WHERE action = 'assigned' GROUP BY pid HAVING count(*) > 1`,
  queuedAssigned: `${BENCH_SQL} SELECT count(*)::int AS n FROM ready_queue q JOIN processes p USING (pid) WHERE p.assignee IS NOT NULL`,
  // The reference's query; `assignee IS NOT NULL` changes no result (a null assignee joins no operator) and lets the
  // aggregate read the assigned rows only.
  load: `${BENCH_SQL} SELECT s.operator, s.load, COALESCE(a.w, 0)::int AS w FROM operator_state s LEFT JOIN (
    SELECT assignee, sum(weight) w FROM processes
     WHERE kind = 'task' AND state IN ('READY', 'RUNNING', 'WAITING') AND assignee IS NOT NULL GROUP BY 1) a
    ON a.assignee = s.operator WHERE s.load <> COALESCE(a.w, 0)`,
};

/** Commit, CPU, Node, PostgreSQL and its commit settings, for the report. */
async function environment(q: <T>(sql: string) => Promise<T[]>): Promise<string> {
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    if (execFileSync('git', ['status', '--porcelain'], { encoding: 'utf8' }).trim()) commit += ' + local changes';
  } catch {
    // not a git checkout
  }
  const settings = await q<{ name: string; setting: string; unit: string | null }>(
    `${BENCH_SQL} SELECT name, setting, unit FROM pg_settings
      WHERE name IN ('synchronous_commit', 'fsync', 'shared_buffers', 'max_connections', 'jit') ORDER BY name`,
  );
  const [{ version }] = (await q<{ version: string }>(`${BENCH_SQL} SELECT version()`)) as [{ version: string }];
  const cpu = cpus();
  return (
    `commit ${commit}; ${cpu.length} × ${cpu[0]?.model.trim() ?? '?'}; Node ${process.version}; ` +
    `${version.split(' on ')[0]}; ${settings.map((r) => `${r.name}=${r.setting}${r.unit ? ` ${r.unit}` : ''}`).join(', ')}`
  );
}

async function main(): Promise<boolean> {
  const started = performance.now();
  process.env.LOG_LEVEL ??= 'warn';
  process.env.JWT_SECRET ??= randomBytes(32).toString('hex');
  const adminPassword = (process.env.ADMIN_PASSWORD ??= benchPassword());
  const db = await createBenchDatabase('opkernel_b4');
  if (SYNCHRONOUS_COMMIT) {
    // On the throwaway database only, before any connection opens: the app's pool and the raw one both get it.
    const c = new Client({ connectionString: db.url });
    await c.connect();
    await c.query(
      `ALTER DATABASE "${new URL(db.url).pathname.slice(1)}" SET synchronous_commit = ${SYNCHRONOUS_COMMIT}`,
    );
    await c.end();
  }
  let closeApp: (() => Promise<void>) | null = null;
  let raw: Pool | null = null;
  let failed = false;
  const fail = (what: string) => {
    failed = true;
    console.error(`SANITY: ${what}`);
  };
  try {
    const { app, url, close } = await createApp({ databaseUrl: db.url, port: 0, seed: false });
    closeApp = close;
    const ds = app.get(DataSource);
    const commands = app.get(ProcessCommands);
    const poolSize = (ds.options as { poolSize?: number }).poolSize ?? 10;
    const extra = ((ds.options as { extra?: Record<string, unknown> }).extra ?? {}) as Record<string, unknown>;
    raw = new Pool({ connectionString: db.url, max: poolSize, ...extra });
    const q = async <T>(sql: string, params: unknown[] = []) => (await raw!.query(sql, params)).rows as T[];

    // ---- the design, over REST, and what the kernel makes of it ----
    const design = buildDesign(rngOf(SEED));
    const admin = await ApiClient.login(url, 'admin', adminPassword);
    const { version } = await admin.post<{ version: number }>('/v1/designs?format=native', design);
    const index = await app.get(DesignRegistry).get(version);
    const settings: SchedulerSettings = index.scheduler.settings;
    if (settings.strictPriority) throw new Error('the prefill assumes strictPriority false (class 0)');
    const m = msPerPoint(settings);
    const Q = settings.fairQuantumMs; // c·Q/w with capacity weight c = 1 and fairness weight w = 1
    const ops: Op[] = design.operators.map((o) => ({
      key: o.key,
      actor: { key: o.key, roles: o.roles, admin: false, kind: 'operator' },
      lanes: lanesFor(o.roles, o.skills, index.scheduler.lanes),
    }));
    if (ops.some((o) => o.lanes.length === 0)) throw new Error('an operator without lanes');
    const services = design.services.map((s, i) => {
      const roles = index.rolesByService.get(s.key) ?? [];
      return { idx: i, key: s.key, roles, lanes: lanesOf(roles, s.skills) };
    });
    const allLanes = new Set(services.flatMap((s) => s.lanes));

    for (const sql of SETUP_SQL) await q(`${BENCH_SQL} ${sql}`);
    for (const s of services)
      await q(`${BENCH_SQL} INSERT INTO b4_services (idx, key, roles, lanes) VALUES ($1, $2, $3, $4)`, [
        s.idx,
        s.key,
        s.roles,
        s.lanes,
      ]);

    // ---- one task spawned through the kernel: the shape of a READY row and of its frame ----
    const [adminOp] = await q<{ key: string }>(`${BENCH_SQL} SELECT key FROM operators WHERE username = 'admin'`);
    const adminActor: Actor = { key: adminOp!.key, roles: [], admin: true, kind: 'operator' };
    const spawned = await commands.execute((k) =>
      k.startProcess({ service: services[0]!.key, designVersion: version, entity: null, actor: adminActor }),
    );
    const samplePid = spawned.result.pid;
    const [sample] = await q<Record<string, unknown>>(`${BENCH_SQL} SELECT * FROM processes WHERE pid = $1`, [
      samplePid,
    ]);
    const [sampleFrame] = await q<{ frame: ContextFrame; hash: string; version: number }>(
      `${BENCH_SQL} SELECT frame, hash, version FROM process_frames WHERE pid = $1`,
      [samplePid],
    );
    if (!sample || sample.state !== 'READY' || sample.assignee !== null || !sampleFrame)
      throw new Error(`the sample task is not READY in the pool: ${JSON.stringify(sample)}`);
    if (canonicalJson(sampleFrame.frame) !== canonicalJson(newFrame(samplePid, null)))
      throw new Error(`a spawned task's frame is not newFrame(pid): ${JSON.stringify(sampleFrame.frame)}`);
    if (frameHash(sampleFrame.frame) !== sampleFrame.hash.trim())
      throw new Error('process_frames.hash is not frameHash(frame)');
    const frameTemplate = canonicalJson(newFrame(PID_SENTINEL, null));
    const creator = sample.creator as string;
    const rowVersion = sample.version as number;

    /** Empties the process tables and zeroes the load (the sample, then each backlog, starts from nothing). */
    const reset = async () => {
      await quiesce();
      await q(
        `${BENCH_SQL} TRUNCATE processes, process_events, process_frames, process_snapshots, ready_queue,
           assignment_explanations, outbox, l4_ready, b4_tasks, b4_lanes CASCADE`,
      );
      await q(`${BENCH_SQL} UPDATE operator_state SET load = 0, last_assigned_at = NULL`);
    };
    /** Writes the app's rows of the generated tasks `pids` (null: all of them). */
    const materialise = async (pids: number[] | null) => {
      await q(MATERIALISE[0], [pids, version, creator, rowVersion]);
      await q(MATERIALISE[1], [pids, frameTemplate, sampleFrame.version, String(PID_SENTINEL)]);
      await q(MATERIALISE[2], [pids]);
    };

    /**
     * Waits until the relay has delivered every outbox row (so no run pays for the previous one's), or nothing
     * moves any more.
     */
    const quiesce = async () => {
      let last = -1;
      let same = 0;
      for (let i = 0; i < 2000 && same < 30; i++) {
        const [{ n }] = (await q<{ n: number }>(
          `${BENCH_SQL} SELECT count(*)::int AS n FROM outbox WHERE dispatched_at IS NULL`,
        )) as [{ n: number }];
        if (n === 0) break;
        same = n === last ? same + 1 : 0;
        last = n;
        await new Promise((r) => setTimeout(r, 10));
      }
      await new Promise((r) => setTimeout(r, 20));
    };

    /** Compares generated rows with the spawned sample, column by column (those that vary per task aside). */
    const compareWithSample = async () => {
      const varying = new Set([
        'pid',
        'service',
        'priority',
        'candidate_roles',
        'created_at',
        'updated_at',
        'fairness_key',
        'queue_tag',
        // The spawn's audit rows (created, admitted) chain up to it; generated tasks have no audit rows yet.
        'audit_head',
      ]);
      const [row] = await q<Record<string, unknown>>(`${BENCH_SQL} SELECT * FROM processes ORDER BY pid LIMIT 1`);
      const diff = Object.keys(sample).filter(
        (c) => !varying.has(c) && JSON.stringify(sample[c]) !== JSON.stringify(row?.[c]),
      );
      if (diff.length > 0)
        fail(
          `generated processes rows differ from a spawned task in ${diff.map((c) => `${c} (${JSON.stringify(sample[c])} vs ${JSON.stringify(row?.[c])})`).join(', ')}`,
        );
      const frames = await q<{ frame: ContextFrame; hash: string }>(
        `${BENCH_SQL} SELECT frame, hash FROM process_frames ORDER BY pid LIMIT 3`,
      );
      for (const f of frames)
        if (
          frameHash(f.frame) !== f.hash.trim() ||
          canonicalJson(f.frame) !== canonicalJson(newFrame(f.frame.pid, null))
        )
          fail(`generated frame of ${f.frame.pid} is not newFrame(pid) with its hash`);
    };

    /** Re-computes the tags and ranks of a sample of (lane, key) groups with the kernel's `enqueueTag`/`rankOf`. */
    const checkFormula = async () => {
      const groups = await q<{
        lane: string;
        fkey: string;
        arrival: string[];
        priority: number[];
        tag: string[];
        rank: string[];
      }>(
        `${BENCH_SQL} SELECT l.lane, l.fkey, array_agg(t.arrival ORDER BY t.arrival, t.pid) AS arrival,
                array_agg(t.priority ORDER BY t.arrival, t.pid) AS priority,
                array_agg(l.tag ORDER BY t.arrival, t.pid) AS tag, array_agg(l.rank ORDER BY t.arrival, t.pid) AS rank
           FROM b4_lanes l JOIN b4_tasks t ON t.pid = l.pid
          WHERE (l.lane, l.fkey) IN (SELECT lane, fkey FROM b4_lanes GROUP BY 1, 2 ORDER BY count(*) DESC LIMIT 10)
             OR (l.lane, l.fkey) IN (SELECT lane, fkey FROM b4_lanes GROUP BY 1, 2 ORDER BY lane, fkey LIMIT 10)
          GROUP BY 1, 2`,
      );
      let rows = 0;
      for (const g of groups) {
        let last: number | null = null;
        g.arrival.forEach((a, i) => {
          const tag = enqueueTag(last, Number(a), 1, 1, settings);
          const rank = rankOf(tag, pointsOf(g.priority[i]!, 0), settings).rank;
          if (tag !== Number(g.tag[i]) || rank !== Number(g.rank[i]))
            fail(`prefill tag/rank of ${g.lane} ${g.fkey} #${i}: SQL ${g.tag[i]}/${g.rank[i]}, kernel ${tag}/${rank}`);
          last = tag;
          rows++;
        });
      }
      return { groups: groups.length, rows };
    };

    /** Fills an empty database with N READY tasks (and l4_ready with the same rows). */
    const prefill = async (n: number) => {
      const t0 = performance.now();
      const client = await raw!.connect();
      try {
        await client.query(`${BENCH_SQL} SELECT setseed(${(SEED / 100).toFixed(2)})`);
        await client.query(GEN_TASKS, [n, SERVICES, zipfBounds(FAIRNESS_KEYS, ZIPF_S), Date.now()]);
      } finally {
        client.release();
      }
      await q(GEN_LANES, [Q, m]);
      await q(GEN_QUEUE_TAGS);
      await materialise(null);
      await q(`${BENCH_SQL} INSERT INTO l4_ready (lane, pid, class, rank) SELECT lane, pid, class, rank FROM b4_lanes`);
      for (const t of [
        'processes',
        'process_frames',
        'ready_queue',
        'l4_ready',
        'b4_tasks',
        'b4_lanes',
        'operator_state',
      ])
        await q(`${BENCH_SQL} VACUUM ANALYZE ${t}`);
      const [{ rows }] = (await q<{ rows: number }>(`${BENCH_SQL} SELECT count(*)::int AS rows FROM ready_queue`)) as [
        { rows: number },
      ];
      return { secs: (performance.now() - t0) / 1000, rows };
    };

    // ---- the systems under test ----
    let taken: number[] = [];
    let rawTaken: { lane: string; pid: string; class: number; rank: string }[] = [];
    let got = 0;
    let empty = 0;
    let errors = 0;
    const errorSamples: string[] = [];
    const noteError = (e: unknown) => {
      errors++;
      if (errorSamples.length < 5) errorSamples.push(e instanceof Error ? `${e.name}: ${e.message}` : String(e));
    };
    const ours = async (c: Call) => {
      try {
        const cs = await commands.execute((k) => k.assignNext(c.op.actor, { designVersion: version }));
        if (cs) {
          got++;
          taken.push(cs.result.pid);
        } else empty++;
      } catch (e) {
        noteError(e);
      }
    };
    const rawCall = (which: Raw) => async (c: Call) => {
      let client: PoolClient | null = null;
      let broken: Error | undefined;
      try {
        client = await raw!.connect();
        await client.query(`${RAW_SQL} BEGIN`);
        const arg = which === 'lane' ? c.op.lanes[Math.floor(c.u * c.op.lanes.length)]! : c.op.lanes;
        const r = await client.query<{ lane: string; pid: string; class: number; rank: string }>({
          name: `b4_${which}`,
          text: RAW_STATEMENTS[which],
          values: [arg],
        });
        await client.query(`${RAW_SQL} COMMIT`);
        if (r.rows[0]) {
          got++;
          rawTaken.push(r.rows[0]);
        } else empty++;
      } catch (e) {
        noteError(e);
        await client?.query(`${RAW_SQL} ROLLBACK`).catch((x: Error) => (broken = x));
      } finally {
        client?.release(broken);
      }
    };
    const systems: System[] = ['ours', ...RAWS];
    const fnOf = (s: System) => (s === 'ours' ? ours : rawCall(s));

    /** Puts back what a system took (untimed) and vacuums the queue tables: the next run starts at N again. */
    const refill = async (s: System) => {
      if (s === 'ours') {
        const old = taken;
        taken = [];
        if (old.length > 0) {
          const [{ pids }] = (await q<{ pids: string[] }>(COPY_TASKS, [old])) as [{ pids: string[] }];
          await materialise(pids.map(Number));
        }
      } else {
        const rows = rawTaken;
        rawTaken = [];
        if (rows.length > 0)
          await q(
            `${BENCH_SQL} INSERT INTO l4_ready (lane, pid, class, rank)
             SELECT * FROM unnest($1::text[], $2::bigint[], $3::int[], $4::bigint[]) ON CONFLICT DO NOTHING`,
            [rows.map((r) => r.lane), rows.map((r) => r.pid), rows.map((r) => r.class), rows.map((r) => r.rank)],
          );
      }
      await quiesce();
      await q(`${BENCH_SQL} VACUUM ready_queue, l4_ready, operator_state`);
    };

    /** The invariants; `where` names the run. */
    const check = async (where: string, n: number, l4Rows: number) => {
      const dup = await q<{ pid: string }>(CHECKS.doubleAssigned);
      if (dup.length > 0)
        fail(
          `${where}: ${dup.length} pid(s) assigned twice, e.g. ${dup
            .slice(0, 5)
            .map((r) => r.pid)
            .join(', ')}`,
        );
      const [{ n: queued }] = (await q<{ n: number }>(CHECKS.queuedAssigned)) as [{ n: number }];
      if (queued > 0) fail(`${where}: ${queued} ready_queue row(s) of assigned tasks`);
      const load = await q<{ operator: string; load: number; w: number }>(CHECKS.load);
      if (load.length > 0)
        fail(
          `${where}: load ≠ Σ weights for ${load.length} operator(s), e.g. ${load
            .slice(0, 3)
            .map((r) => `${r.operator} ${r.load} vs ${r.w}`)
            .join(', ')}`,
        );
      const [b] = await q<{ tasks: number; rows: number }>(
        `${BENCH_SQL} SELECT (SELECT count(*)::int FROM processes WHERE kind = 'task' AND state = 'READY' AND assignee IS NULL) AS tasks,
                (SELECT count(*)::int FROM l4_ready) AS rows`,
      );
      if (b!.tasks !== n || b!.rows !== l4Rows)
        fail(`${where}: backlog after the refill is ${b!.tasks} tasks / ${b!.rows} raw rows, not ${n} / ${l4Rows}`);
    };

    /** One measured (or warm-up) run of `s`: each worker makes its list of calls, one at a time. */
    const measure = async (s: System, workers: Call[][]): Promise<RunResult> => {
      await quiesce();
      got = 0;
      empty = 0;
      errors = 0;
      counter.reset();
      const t0 = performance.now();
      const fn = fnOf(s);
      const lat: number[] = [];
      await Promise.all(
        workers.map(async (list) => {
          for (const call of list) {
            const t = performance.now();
            await fn(call);
            lat.push(performance.now() - t);
          }
        }),
      );
      const secs = (performance.now() - t0) / 1000;
      const rollbacks = counter.sample().byKind['ROLLBACK'] ?? 0;
      return {
        secs,
        calls: lat.length,
        got,
        empty,
        errors,
        rollbacks: s === 'ours' ? rollbacks : 0,
        p50: pct(lat, 50),
        p99: pct(lat, 99),
        tps: got / secs,
      };
    };
    /**
     * `total` calls for `workers` workers (dealt round-robin), from a seeded RNG: each call a random operator of the
     * worker's own share (operators ≡ w mod workers, when there are enough), so no operator has two calls in flight.
     */
    const callsOf = (seed: number, total: number, workers: number): Call[][] => {
      const rng = rngOf(seed);
      const shares = Array.from({ length: workers }, (_, w) =>
        ops.length >= workers ? ops.filter((_, i) => i % workers === w) : ops,
      );
      const out: Call[][] = shares.map(() => []);
      for (let i = 0; i < total; i++) {
        const share = shares[i % workers]!;
        out[i % workers]!.push({ op: share[Math.floor(rng() * share.length)]!, u: rng() });
      }
      return out;
    };

    /** Statements of one get-next (its transaction) and of the relay's work after it, over sequential calls. */
    const recordProfile = async () => {
      let wall = 0;
      const { statements } = await recordStatements(
        counter,
        async () => {
          for (const c of callsOf(SEED + 7, RECORDED_CALLS, 1)[0]!) {
            const t0 = performance.now();
            await ours(c);
            wall += performance.now() - t0;
          }
          await quiesce();
        },
        {},
      );
      const mine = statements.filter((s) => !s.text.startsWith(BENCH_SQL) && !s.text.startsWith(RAW_SQL));
      const heads = new Set(mine.filter((s) => /FROM ready_queue q JOIN processes p/.test(s.text)).map((s) => s.tx));
      const inGetNext = mine.filter((s) => s.tx !== null && heads.has(s.tx));
      // Time from sending each statement to its answer, by statement, over the recorded calls (sequential, so these
      // do not overlap within a call): the rest of a call's wall time is spent in Node.
      const ms: Record<string, number> = {};
      for (const s of inGetNext) {
        const { at } = await s.done;
        ms[s.label] = (ms[s.label] ?? 0) + (at - s.sentAt) / RECORDED_CALLS;
      }
      const inDb = Object.values(ms).reduce((a, b) => a + b, 0);
      const profile: Record<string, number> = {};
      const firstTx = inGetNext[0]?.tx;
      for (const s of inGetNext.filter((x) => x.tx === firstTx)) profile[s.label] = (profile[s.label] ?? 0) + 1;
      return {
        perCall: inGetNext.length / RECORDED_CALLS,
        other: (mine.length - inGetNext.length) / RECORDED_CALLS,
        profile,
        ms,
        wallMs: wall / RECORDED_CALLS,
        nodeMs: wall / RECORDED_CALLS - inDb,
        headsStatement: inGetNext.find((s) => /FROM ready_queue q JOIN processes p/.test(s.text)) ?? null,
        writerStatement: inGetNext.filter((s) => /^\s*WITH created AS/.test(s.text)).pop() ?? null,
      };
    };

    const explain = async (label: string, sql: string, values: unknown[]) => {
      const client = await raw!.connect();
      try {
        await client.query(`${BENCH_SQL} BEGIN`);
        const r = await client.query<{ 'QUERY PLAN': string }>(
          `${BENCH_SQL} EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${sql.replace(/^\/\* \w+ \*\//, '')}`,
          values,
        );
        console.log(`\n## ${label}\n${r.rows.map((x) => x['QUERY PLAN']).join('\n')}`);
      } finally {
        await client.query(`${BENCH_SQL} ROLLBACK`);
        client.release();
      }
    };

    // ---- the runs ----
    type Cell = { n: number; c: number; calls: number; runs: Record<System, RunResult[]> };
    const cells: Cell[] = [];
    const profiles = new Map<number, Awaited<ReturnType<typeof recordProfile>>>();
    const laneCounts = ops.map((o) => o.lanes.length);
    console.log(
      `# B4 get-next (kernel.assignNext through ProcessCommands) vs raw SKIP LOCKED dequeue (${RAWS.join(', ')}); ` +
        `design v${version}: ${ROLES} roles, ${SKILLS} skills, ${SERVICES} services, ${allLanes.size} lanes, ` +
        `${OPERATORS} operators (lanes each: median ${median(laneCounts)}, max ${Math.max(...laneCounts)}), ` +
        `${FAIRNESS_KEYS} fairness keys Zipf(${ZIPF_S}); median of ${RUNS} interleaved runs after a warm-up; pool ` +
        `${poolSize} connections each; ${process.env.DATABASE_URL ? 'DATABASE_URL' : 'embedded PostgreSQL'}`,
    );
    console.log(`# ${await environment(q)}`);
    for (const n of BACKLOG) {
      await reset();
      const filled = await prefill(n);
      const l4Rows = filled.rows;
      await compareWithSample();
      const formula = await checkFormula();
      console.log(
        `# N=${n}: prefilled ${n} tasks / ${filled.rows} lane rows in ${fmt(filled.secs)} s ` +
          `(tags/ranks of ${formula.rows} rows in ${formula.groups} lane×key groups re-computed by the kernel)`,
      );
      const perRun = Math.max(1, Math.min(CALLS ?? Math.min(1000, Math.floor(n / 5)), Math.floor(n / 2)));
      for (const c of CONCURRENCY) {
        const cell: Cell = { n, c, calls: perRun, runs: { ours: [], merged: [], lane: [], any: [] } };
        const warm = Math.max(c, Math.ceil(perRun / 4));
        for (const s of systems) {
          await measure(s, callsOf(SEED + n + c, warm, c));
          if (errors > 0) fail(`${s} warm-up N=${n} C=${c}: ${errors} error(s): ${errorSamples.join(' | ')}`);
          await refill(s);
        }
        if (c === CONCURRENCY[0]) {
          profiles.set(n, await recordProfile());
          await refill('ours');
        }
        for (let r = 0; r < RUNS; r++) {
          const calls = callsOf(SEED * 1000 + n + c * 7 + r, perRun, c);
          const order = systems.map((_, i) => systems[(i + r) % systems.length]!);
          for (const s of order) {
            const res = await measure(s, calls);
            cell.runs[s].push(res);
            if (res.errors > 0)
              fail(`${s} N=${n} C=${c} run ${r + 1}: ${res.errors} error(s): ${errorSamples.join(' | ')}`);
            await refill(s);
            await check(`${s} N=${n} C=${c} run ${r + 1}`, n, l4Rows);
          }
        }
        cells.push(cell);
        const med = (s: System, k: keyof RunResult) => median(cell.runs[s].map((x) => x[k]));
        console.log(
          `#  N=${n} C=${c}: ours ${fmt(med('ours', 'tps'), 0)}/s p99 ${fmt(med('ours', 'p99'), 2)} ms` +
            RAWS.map((s) => `, ${s} ${fmt(med(s, 'tps'), 0)}/s p99 ${fmt(med(s, 'p99'), 2)} ms`).join('') +
            ` (${perRun} calls per run)`,
        );
      }
      if (EXPLAIN) {
        const p = profiles.get(n);
        const op = ops.reduce((a, b) => (b.lanes.length > a.lanes.length ? b : a));
        if (p?.headsStatement) {
          const s = p.headsStatement as RecordedStatement;
          await explain(`lane heads (ours), N=${n}, ${(s.values[0] as string[]).length} lanes`, s.text, s.values);
        }
        if (p?.writerStatement) {
          const s = p.writerStatement as RecordedStatement;
          await explain(
            `changeset writer (ours), N=${n}, the values of a committed call (its versioned UPDATE matches nothing ` +
              `any more: the scans are what matters), rolled back`,
            s.text,
            s.values,
          );
        }
        for (const which of ['merged', 'lane', 'any'] as const)
          await explain(`raw ${which}, N=${n}, ${op.lanes.length} lanes`, RAW_STATEMENTS[which], [
            which === 'lane' ? op.lanes[0] : op.lanes,
          ]);
      }
    }

    // ---- the report ----
    console.log('');
    console.log('# statements per get-next (recorded over sequential calls; the outbox relay after it separately):');
    for (const [n, p] of profiles) {
      const times = Object.entries(p.ms)
        .map(([k, v]) => `${k} ${fmt(v, 2)}`)
        .join(', ');
      console.log(
        `#  N=${n}: ${fmt(p.perCall)} in its transaction ${JSON.stringify(p.profile)}, +${fmt(p.other)} relay; ` +
          `one call ${fmt(p.wallMs, 2)} ms sequential = statements (ms: ${times}) + ${fmt(p.nodeMs, 2)} ms in Node`,
      );
    }
    console.log('');
    const med = (cell: Cell, s: System, k: keyof RunResult) => median(cell.runs[s].map((x) => x[k]));
    printTable(
      [
        'N',
        'C',
        'calls',
        'ours/s',
        'ours p50 ms',
        'ours p99 ms',
        'empty',
        'rollbacks',
        ...RAWS.flatMap((s) => [`${s}/s`, `${s} p99 ms`, `ours/${s}`]),
      ],
      cells.map((cell) => [
        cell.n,
        cell.c,
        cell.calls,
        fmt(med(cell, 'ours', 'tps'), 0),
        fmt(med(cell, 'ours', 'p50'), 2),
        fmt(med(cell, 'ours', 'p99'), 2),
        fmt(med(cell, 'ours', 'empty'), 0),
        fmt(med(cell, 'ours', 'rollbacks'), 0),
        ...RAWS.flatMap((s) => [
          fmt(med(cell, s, 'tps'), 0),
          fmt(med(cell, s, 'p99'), 2),
          fmt(med(cell, 'ours', 'tps') / med(cell, s, 'tps'), 2),
        ]),
      ]),
    );
    if (BACKLOG.length > 1) {
      const [small, large] = [BACKLOG[0]!, BACKLOG[BACKLOG.length - 1]!];
      console.log('');
      console.log(`# p99(N=${large}) / p99(N=${small}) per C — target ≤ 2 (for 1M / 1k)`);
      printTable(
        ['C', 'ours', ...RAWS],
        CONCURRENCY.map((c) => {
          const at = (n: number) => cells.find((x) => x.n === n && x.c === c)!;
          return [c, ...systems.map((s) => fmt(med(at(large), s, 'p99') / med(at(small), s, 'p99'), 2))];
        }),
      );
    }
    if (RAWS.includes('merged')) {
      const worst = Math.min(...cells.map((cell) => med(cell, 'ours', 'tps') / med(cell, 'merged', 'tps')));
      console.log(`# lowest ours/merged throughput ${fmt(worst, 2)} — target ≥ 0.5 at every C`);
    }
    console.log(`# total ${fmt((performance.now() - started) / 1000)} s`);
  } finally {
    await raw?.end();
    await closeApp?.();
    await db.drop();
  }
  return failed;
}

runBench(main, 'B4 scheduler invariants');
