/**
 * Benchmark B1: durable process transitions of the clinic design (erpsys `backup.json`, its rules live) through
 * the app, next to raw SQL sending the same statements, on the same PostgreSQL database in the same run.
 *
 * Ours, three paths:
 *  - kernel: `ProcessCommands.execute` with a kernel command (row lock, kernel decision and rule cascade, versioned
 *    UPDATE, audit/frame/outbox INSERTs, one transaction);
 *  - http:   `POST /api/v1/processes/{pid}/{start|complete}` with `fetch` as the logged-in operator 小方 against the
 *    in-process app (auth, read policy, form validation, the command, the answer read back);
 *  - batch:  K kernel commands in ONE `execute` transaction — the app has no batch API, so the benchmark runs the K
 *    commands inside one `execute` callback and hands their changesets to the writer merged into one.
 * Transitions: `start` of a 新预约 (READY → RUNNING: rules evaluated, none fire) and `complete` of a RUNNING 新预约
 * (→ TERMINATED: the clinic's rule starts the next step 到诊提醒 in the same transaction).
 *
 * Raw: the statements the app's path sent for one transition (recorded with the statement counter on a template
 * journey, the outbox relay's statements left out) replayed with `pg` on a twin journey: the same texts, the
 * same count, with the twin's pids / entity id and the ids the replay's own `nextval` returns — so the same
 * locked SELECTs, reads, versioned UPDATE, audit/frame/snapshot/outbox INSERTs hit the same tables, minus
 * everything the app computes in between. Replayed outbox rows get a topic the relay ignores. Each replayed
 * statement must answer as many rows as in the template (a stale version would match nothing). Batched raw =
 * the recorded batch transaction replayed (K transitions, one transaction).
 * Same connection pool size as the app's. Per row: warm-up, then 3 runs of ours and raw alternating (which goes
 * first alternates too); each figure is the median of the 3 runs. tx/s counts transitions; p50/p99 are per
 * call (a batch call = K transitions).
 *
 *   npm run bench                                           # embedded PostgreSQL (or DATABASE_URL when set)
 *   BENCH_N=200 BENCH_CALLERS=1,8 BENCH_PATHS=kernel,http BENCH_OPS=complete npm run bench
 *   env: BENCH_N (transitions per run, 400), BENCH_CALLERS (1,8,32), BENCH_BATCH (K, 10), BENCH_RUNS (3),
 *        BENCH_PATHS (kernel,http,batch), BENCH_OPS (start,complete), BENCH_SETUP_CALLERS (8)
 */
import { StatementCounter, meterRelay, recordStatements, type RecordedStatement } from './support/statement-counter';
/** The benchmark's own bookkeeping statements start with this comment and are not counted. */
const BENCH_SQL = '/* bench */';
const counter = StatementCounter.install(/^\/\* bench \*\//);
import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import type { Actor, Changeset, Kernel } from '@opkernel/kernel';
import { createApp } from '../apps/api/src/bootstrap/create-app';
import type { ApiClient } from '../apps/api/src/journey/api-client';
import { ProcessCommands } from '../apps/api/src/modules/processes/process-commands.service';
import { createBenchDatabase } from './support/bench-database';
import { actorOf, benchPassword, ENTRY_SERVICE, FIRST_STEP, formOf, importClinic, loginStaff } from './support/clinic';
import { PID_FLOOR, Replay, type Subject } from './support/replay';
import { envInt, envInts, envWords, fmt, median, pct, printTable, runConcurrently } from './support/stats';
import { runBench } from './support/run';

const N = envInt('BENCH_N', 400);
const CALLERS = envInts('BENCH_CALLERS', [1, 8, 32]);
const K = envInt('BENCH_BATCH', 10);
const RUNS = envInt('BENCH_RUNS', 3);
const PATHS = envWords('BENCH_PATHS', ['kernel', 'http', 'batch'] as const, ['kernel', 'http', 'batch']);
const OPS = envWords('BENCH_OPS', ['start', 'complete'] as const, ['start', 'complete']);
const SETUP_CALLERS = envInt('BENCH_SETUP_CALLERS', 8);
const REPLAY_TOPIC = 'bench.replay';
const TEMPLATE_TRIES = 3;

type Path = (typeof PATHS)[number];
type Op = (typeof OPS)[number];
/** A twin journey: its 新预约 step (pids[0]), its root 客户服务 (pids[1]) and entity id (strings[0]). */
type Twin = Subject;

/** One changeset out of several (disjoint) ones: every list concatenated, the rest from the last. */
function merge(css: Changeset[]): Changeset {
  const out: Record<string, unknown> = { ...css[css.length - 1]! };
  for (const key of Object.keys(out)) {
    if (Array.isArray(out[key])) out[key] = css.flatMap((c) => (c as unknown as Record<string, unknown[]>)[key]!);
  }
  return out as Changeset;
}

async function main(): Promise<boolean> {
  const started = performance.now();
  process.env.LOG_LEVEL ??= 'warn';
  process.env.JWT_SECRET ??= randomBytes(32).toString('hex');
  const adminPassword = (process.env.ADMIN_PASSWORD ??= benchPassword());
  const db = await createBenchDatabase('opkernel_bench');
  let closeApp: (() => Promise<void>) | null = null;
  let raw: Pool | null = null;
  let failed = false;
  try {
    const { app, url, close } = await createApp({ databaseUrl: db.url, port: 0, seed: false });
    closeApp = close;
    const ds = app.get(DataSource);
    // Every pid from PID_FLOOR up, so the replay can tell pids from other numbers.
    await ds.query(`SELECT setval('process_pid_seq', $1)`, [PID_FLOOR]);
    const version = await importClinic(app);
    const actor: Actor = await actorOf(app, 'fang');
    const form = await formOf(app, version, FIRST_STEP);
    const { staff } = await loginStaff(url, adminPassword, ['fang']);
    const fang: ApiClient = staff.get('fang')!.client;
    const commands = app.get(ProcessCommands);
    const poolSize = (ds.options as { poolSize?: number }).poolSize ?? 10;
    const extra = ((ds.options as { extra?: Record<string, unknown> }).extra ?? {}) as Record<string, unknown>;
    raw = new Pool({ connectionString: db.url, max: poolSize, ...extra });
    const relay = meterRelay(counter);

    /**
     * Waits until the relay has delivered every app outbox row (so no round pays for the previous one's), and
     * deletes the replayed rows (never delivered: left pending they would grow the relay's poll every round).
     */
    const quiesce = async () => {
      await raw!.query(`${BENCH_SQL} DELETE FROM outbox WHERE topic = $1`, [REPLAY_TOPIC]);
      let last = -1;
      let same = 0;
      for (let i = 0; i < 2000 && same < 30; i++) {
        const { rows } = await raw!.query<{ n: number }>(
          `${BENCH_SQL} SELECT count(*)::int AS n FROM outbox WHERE dispatched_at IS NULL AND topic <> $1`,
          [REPLAY_TOPIC],
        );
        const n = rows[0]!.n;
        if (n === 0) break;
        same = n === last ? same + 1 : 0; // rows no relay subscriber takes stay pending: stop once nothing moves
        last = n;
        await new Promise((r) => setTimeout(r, 10));
      }
      await new Promise((r) => setTimeout(r, 20));
    };

    let entitySeq = 0;
    /** `n` fresh journeys of 客户服务 for new entities, started by 小方; their 新预约 READY, or RUNNING for `complete`. */
    const twins = async (n: number, op: Op): Promise<Twin[]> => {
      const ids = Array.from({ length: n }, () => `b1-${++entitySeq}`);
      await raw!.query(
        `INSERT INTO entities (type, id, label, attributes) SELECT 'Operator', id, 'bench ' || id, '{}' FROM unnest($1::text[]) AS id`,
        [ids],
      );
      const out: Twin[] = [];
      await runConcurrently(ids, SETUP_CALLERS, async (id) => {
        const cs = await commands.execute((k) =>
          k.startProcess({ service: ENTRY_SERVICE, designVersion: version, entity: { type: 'Operator', id }, actor }),
        );
        const step = cs.changes.find((c) => c.service === FIRST_STEP);
        if (!step) throw new Error(`客户服务 did not start ${FIRST_STEP}: ${JSON.stringify(cs.changes)}`);
        if (op === 'complete') await commands.execute((k) => k.start(step.pid, actor));
        out.push({ pids: [step.pid, cs.result.pid], strings: [id] });
      });
      // The hashes stored on each twin's rows (audit chain head, frame hash): a template's statement that passes
      // its own (e.g. an unchanged frame's hash) gets the twin's, so the replay changes what the app would.
      const stored = await hashesOf(out.flatMap((t) => t.pids));
      for (const t of out) t.strings.push(...t.pids.flatMap((pid) => stored.get(pid) ?? []));
      return out;
    };
    /** Per pid, the hash columns (`*hash*`, `*head*`) of its `processes` and `process_frames` rows, by column name. */
    const hashesOf = async (pids: number[]) => {
      const out = new Map<number, string[]>(pids.map((pid) => [pid, []]));
      for (const table of ['processes', 'process_frames']) {
        const rows = (await raw!.query(`${BENCH_SQL} SELECT * FROM ${table} WHERE pid = ANY($1::bigint[])`, [pids]))
          .rows as Record<string, unknown>[];
        const byPid = new Map(rows.map((r) => [Number(r['pid']), r]));
        const columns = Object.keys(rows[0] ?? {})
          .filter((c) => /hash|head/.test(c))
          .sort();
        for (const pid of pids) {
          for (const c of columns) {
            const v = byPid.get(pid)?.[c];
            out.get(pid)!.push(typeof v === 'string' ? v : `\u0000none:${table}.${c}`);
          }
        }
      }
      return out;
    };

    const command = (op: Op) => (k: Kernel, pid: number) =>
      op === 'start' ? k.start(pid, actor) : k.complete(pid, actor, form);
    const ours = (path: Path, op: Op) => {
      const run = command(op);
      if (path === 'http')
        return async (item: Twin[]) => {
          await fang.post(`/v1/processes/${item[0]!.pids[0]}/${op}`, op === 'complete' ? { form } : {});
        };
      return async (item: Twin[]) => {
        await commands.execute(async (k) => {
          const css: Changeset[] = [];
          for (const t of item) css.push(await run(k, t.pids[0]!));
          return css.length === 1 ? css[0]! : merge(css);
        });
      };
    };
    /** The final state of a step after its transition, and whether it started a next step. */
    const outcome = async (steps: number[]) =>
      (
        await raw!.query<{ state: string; nexts: number; n: number }>(
          `${BENCH_SQL} SELECT p.state, (SELECT count(*) FROM processes x WHERE x.previous_pid = p.pid)::int AS nexts, count(*) OVER ()::int AS n
             FROM processes p WHERE p.pid = ANY($1::bigint[])`,
          [steps],
        )
      ).rows;

    type Row = {
      path: Path;
      op: Op;
      callers: number;
      batch: number;
      ours: { tps: number; p50: number; p99: number; stmts: number; relay: number }[];
      raw: { tps: number; p50: number; p99: number }[];
      replay: Replay;
    };
    const rows: Row[] = [];
    const chunk = <T>(xs: T[], k: number) =>
      Array.from({ length: Math.ceil(xs.length / k) }, (_, i) => xs.slice(i * k, i * k + k));

    console.log(
      `# B1 durable transitions, clinic design (erpsys backup.json, version ${version}) — ours (kernel command layer | ` +
        `HTTP | K=${K} commands per transaction) vs raw SQL replaying the same statements; N=${N} transitions per run, ` +
        `median of ${RUNS} interleaved runs after a warm-up; pool ${poolSize} connections each; ` +
        `${process.env.DATABASE_URL ? 'DATABASE_URL' : 'embedded PostgreSQL'}`,
    );
    for (const path of PATHS) {
      for (const op of OPS) {
        for (const callers of CALLERS) {
          const batch = path === 'batch' ? K : 1;
          const perRun = Math.max(batch, Math.floor(N / batch) * batch);
          const warm = Math.max(batch, Math.ceil(perRun / 10 / batch) * batch);
          const setupT0 = performance.now();
          const pool = await twins(TEMPLATE_TRIES * batch + 2 * warm + 2 * RUNS * perRun, op);
          const setupSecs = (performance.now() - setupT0) / 1000;
          let next = 0;
          const take = (n: number) => chunk(pool.slice(next, (next += n)), batch);
          const fn = ours(path, op);

          // Warm-up of ours first, so the template is recorded at steady state (caches warm).
          const oursItems: Twin[][] = [];
          const rawItems: Twin[][] = [];
          const w1 = take(warm);
          oursItems.push(...w1);
          await runConcurrently(w1, callers, fn);
          // The template: the shortest of TEMPLATE_TRIES recorded calls of ours (the outbox relay's statements
          // left out) — a cache miss on one of them (operators, design versions) is not the steady state.
          let best: { template: Twin[]; statements: RecordedStatement[] } | null = null;
          for (let i = 0; i < TEMPLATE_TRIES; i++) {
            await quiesce();
            const template = take(batch)[0]!;
            oursItems.push(template);
            const { statements } = await recordStatements(counter, () => fn(template), { dropRelay: true });
            if (!best || statements.length < best.statements.length) best = { template, statements };
          }
          const { template, statements } = best!;
          const topics = (
            await raw.query<{ topic: string }>(`${BENCH_SQL} SELECT DISTINCT topic FROM outbox`)
          ).rows.map((r) => r.topic);
          const replay = new Replay(statements, template, new Map(topics.map((t) => [t, REPLAY_TOPIC])));
          const rawFn = async (item: Twin[]) => {
            const client = await raw!.connect();
            try {
              await replay.run(client, item);
            } finally {
              client.release();
            }
          };

          const measure = async (which: 'ours' | 'raw', items: Twin[][]) => {
            await quiesce();
            counter.reset();
            relay.reset();
            const t0 = performance.now();
            const lat = await runConcurrently(items, callers, which === 'ours' ? fn : rawFn);
            const secs = (performance.now() - t0) / 1000;
            const transitions = items.length * batch;
            await quiesce(); // the relay's work for this run, counted to it
            const relayStmts = relay.count();
            return {
              tps: transitions / secs,
              p50: pct(lat, 50),
              p99: pct(lat, 99),
              stmts: (counter.sample().total - relayStmts) / transitions,
              relay: relayStmts / transitions,
            };
          };
          const w2 = take(warm);
          rawItems.push(...w2);
          await runConcurrently(w2, callers, rawFn);
          const row: Row = { path, op, callers, batch, ours: [], raw: [], replay };
          for (let r = 0; r < RUNS; r++) {
            const a = take(perRun);
            const b = take(perRun);
            oursItems.push(...a);
            rawItems.push(...b);
            if (r % 2 === 0) {
              row.ours.push(await measure('ours', a));
              row.raw.push(await measure('raw', b));
            } else {
              row.raw.push(await measure('raw', b));
              row.ours.push(await measure('ours', a));
            }
          }
          rows.push(row);

          // Sanity: every transition landed, ours and raw alike, like the template's.
          const expect = (await outcome(template.map((t) => t.pids[0]!)))[0]!;
          for (const [who, items] of [
            ['ours', oursItems],
            ['raw', rawItems],
          ] as const) {
            const steps = items.flat().map((t) => t.pids[0]!);
            const got = await outcome(steps);
            const bad = got.filter((g) => g.state !== expect.state || g.nexts !== expect.nexts);
            if (got.length !== steps.length || bad.length > 0) {
              failed = true;
              console.error(
                `SANITY: ${who} ${path} ${op} ×${callers}: ${bad.length} of ${steps.length} steps are not ${expect.state} with ${expect.nexts} next step(s) (${got.length} found)`,
              );
            }
          }
          const o = (k: 'tps' | 'p50' | 'p99' | 'stmts' | 'relay') => median(row.ours.map((x) => x[k]));
          const w = (k: 'tps' | 'p50' | 'p99') => median(row.raw.map((x) => x[k]));
          console.log(
            `#  ${path} ${op} ×${callers}: ours ${fmt(o('tps'), 0)} tx/s, raw ${fmt(w('tps'), 0)} tx/s ` +
              `(setup ${fmt(setupSecs)} s for ${pool.length} journeys; ${expect.state}${expect.nexts ? ' + next step' : ''})`,
          );
        }
      }
    }

    console.log('');
    console.log(`# statements per transition (command's own; the outbox relay's amortised, separately):`);
    const seen = new Set<string>();
    for (const r of rows) {
      const key = `${r.path} ${r.op}`;
      if (seen.has(key)) continue;
      seen.add(key);
      console.log(
        `#  ${key.padEnd(15)} ${String(r.replay.length / r.batch).padStart(5)} per transition (recorded: ${JSON.stringify(r.replay.profile)}${r.batch > 1 ? ` for ${r.batch}` : ''})`,
      );
    }
    console.log('');
    printTable(
      [
        'path',
        'op',
        'callers',
        'K',
        'stmts ours',
        '+relay',
        'stmts raw',
        'ours tx/s',
        'ours p50 ms',
        'ours p99 ms',
        'raw tx/s',
        'raw p50 ms',
        'raw p99 ms',
        'ours/raw tx/s',
      ],
      rows.map((r) => {
        const o = (k: 'tps' | 'p50' | 'p99' | 'stmts' | 'relay') => median(r.ours.map((x) => x[k]));
        const w = (k: 'tps' | 'p50' | 'p99') => median(r.raw.map((x) => x[k]));
        return [
          r.path,
          r.op,
          r.callers,
          r.batch,
          fmt(o('stmts')),
          fmt(o('relay')),
          fmt(r.replay.length / r.batch),
          fmt(o('tps'), 0),
          fmt(o('p50'), 2),
          fmt(o('p99'), 2),
          fmt(w('tps'), 0),
          fmt(w('p50'), 2),
          fmt(w('p99'), 2),
          fmt(o('tps') / w('tps'), 2),
        ];
      }),
    );
    console.log(`# total ${fmt((performance.now() - started) / 1000)} s`);
    relay.stop();
  } finally {
    await raw?.end();
    await closeApp?.();
    await db.drop();
  }
  return failed;
}

runBench(main);
