/**
 * Benchmark: whole clinic journeys over REST (ours) next to pgbench running the raw shape of one transition (raw),
 * at the same client counts, on the same PostgreSQL database in the same run.
 *
 * Ours: the API in-process (`createApp`, the erpsys clinic design imported), C clients each running customer
 * journeys back to back for BENCH_SECONDS — as `runClinicJourney` does (bench/support/journeys.ts): 小方 starts
 * 客户服务 for a new customer, the staff (logged in once) claim, start, suspend and complete the customer's tasks
 * until the root is TERMINATED, reading the customer's task list between steps. A command (POST /processes or a
 * POST /processes/{pid}/<action>) is one transaction with its cascade; ours tx/s = commands per second.
 * Raw: `pgbench -M extended -c C -T BENCH_SECONDS` with a script doing the shape of one transition — BEGIN;
 * SELECT … FOR UPDATE; UPDATE processes; INSERT process_events; INSERT outbox; COMMIT — on BENCH_PGBENCH_ROWS
 * real `processes` rows (copies of a clinic task), payloads the size of the app's.
 * Per client count: a warm-up of each, then 3 runs alternating (which goes first alternates); medians of the 3.
 *
 * Also: statements per command by kind, from a calibration pass (journeys one at a time, each request counted
 * alone with the statement counter; the outbox relay's statements after it counted separately); statements per
 * command under load (every statement the API sent / commands, reads and relay included); CPU per command —
 * `process.cpuUsage()` of this process (the API and the C in-process HTTP clients: an upper bound of the API's) and
 * of the database's PostgreSQL backends (/proc, when PostgreSQL runs on this machine) for ours and raw.
 *
 *   npm run bench:journey                                 # embedded PostgreSQL (or DATABASE_URL when set)
 *   BENCH_CLIENTS=1,4 BENCH_SECONDS=5 npm run bench:journey
 *   env: BENCH_CLIENTS (1,4,16), BENCH_SECONDS (10), BENCH_RUNS (3), BENCH_CALIBRATE (journeys, 2),
 *        BENCH_PGBENCH_ROWS (10000), PGBENCH (path of pgbench)
 */
import { StatementCounter, meterRelay, recordStatements } from './support/statement-counter';
const counter = StatementCounter.install(/^\/\* bench \*\//);
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Pool } from 'pg';
import { createApp } from '../apps/api/src/bootstrap/create-app';
import { createBenchDatabase } from './support/bench-database';
import { benchPassword, importClinic } from './support/clinic';
import { ClinicJourneys, COMMAND_KINDS, type JourneyCall } from './support/journeys';
import { PgCpuMeter } from './support/pg-cpu';
import { envInt, envInts, fmt, median, pct, printTable } from './support/stats';
import { runBench } from './support/run';

const CLIENTS = envInts('BENCH_CLIENTS', [1, 4, 16]);
const SECONDS = envInt('BENCH_SECONDS', 10);
const RUNS = envInt('BENCH_RUNS', 3);
const CALIBRATE = envInt('BENCH_CALIBRATE', 2);
const PGBENCH_ROWS = envInt('BENCH_PGBENCH_ROWS', 10_000);
const WARMUP_SECONDS = Math.max(2, Math.round(SECONDS / 4));
const BENCH = '/* bench */';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function findPgbench(): string {
  if (process.env.PGBENCH) return process.env.PGBENCH;
  for (const dir of (process.env.PATH ?? '').split(':'))
    if (existsSync(path.join(dir, 'pgbench'))) return path.join(dir, 'pgbench');
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian))
    for (const v of readdirSync(debian).sort().reverse())
      if (existsSync(path.join(debian, v, 'bin/pgbench'))) return path.join(debian, v, 'bin/pgbench');
  throw new Error('pgbench not found: install it (postgresql-client) or set PGBENCH');
}

type Result = {
  tps: number;
  p50: number;
  p99: number;
  cpuMs: number;
  pgCpuMs: number;
  n: number;
  extra: Record<string, number>;
};

async function main(): Promise<boolean> {
  const started = performance.now();
  process.env.LOG_LEVEL ??= 'warn';
  process.env.JWT_SECRET ??= randomBytes(32).toString('hex');
  const adminPassword = (process.env.ADMIN_PASSWORD ??= benchPassword());
  const pgbench = findPgbench();
  const db = await createBenchDatabase('opkernel_journey');
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'opkernel-pgbench-'));
  let closeApp: (() => Promise<void>) | null = null;
  let raw: Pool | null = null;
  let meter: PgCpuMeter | null = null;
  let failed = false;
  try {
    const { app, url, close } = await createApp({ databaseUrl: db.url, port: 0, seed: false });
    closeApp = close;
    const version = await importClinic(app);
    const journeys = await ClinicJourneys.open(url, adminPassword);
    raw = new Pool({ connectionString: db.url, max: 2 });
    meter = await PgCpuMeter.open(db.url);
    const relay = meterRelay(counter);
    let customer = 0;
    const label = () => `bench customer ${++customer}`;

    // 1. Calibration: statements per request, one request at a time.
    const perCall: {
      kind: JourneyCall['kind'];
      path: string;
      own: number;
      relay: number;
      byStatement: Record<string, number>;
    }[] = [];
    for (let j = 0; j < CALIBRATE; j++) {
      await journeys.run(label(), undefined, async (kind, p, fn) => {
        await sleep(30); // let the relay finish the previous command
        relay.reset();
        const { result, statements } = await recordStatements(counter, fn, { dropRelay: true });
        await sleep(30); // the relay's work for this command
        const byStatement: Record<string, number> = {};
        for (const st of statements) byStatement[st.label] = (byStatement[st.label] ?? 0) + 1;
        perCall.push({ kind, path: p, own: statements.length, relay: relay.count(), byStatement });
        return result;
      });
    }

    // 2. pgbench's rows and script: copies of a clinic task row; an outbox payload as big as the app's.
    const [task] = (
      await raw.query<{ pid: string }>(
        `${BENCH} SELECT pid FROM processes WHERE kind = 'task' AND state <> 'TERMINATED' ORDER BY pid LIMIT 1`,
      )
    ).rows;
    const anyTask =
      task ??
      (await raw.query<{ pid: string }>(`${BENCH} SELECT pid FROM processes WHERE kind = 'task' ORDER BY pid LIMIT 1`))
        .rows[0];
    if (!anyTask) throw new Error('no clinic task after the calibration journeys');
    const columns = (
      await raw.query<{ column_name: string }>(
        `${BENCH} SELECT column_name FROM information_schema.columns WHERE table_name = 'processes' AND table_schema = current_schema() AND column_name <> 'pid' AND is_generated = 'NEVER' ORDER BY ordinal_position`,
      )
    ).rows.map((r) => r.column_name);
    const cols = columns.join(', ');
    const copied = (
      await raw.query<{ pid: string }>(
        `${BENCH} INSERT INTO processes (pid, ${cols}) SELECT nextval('process_pid_seq'), ${cols
          .replace(/\bstate\b/, `CASE WHEN state = 'TERMINATED' THEN 'RUNNING' ELSE state END`)
          .replace(/\bterminated_reason\b/, 'NULL')
          .replace(/\bended_at\b/, 'NULL')}
           FROM processes, generate_series(1, $2) WHERE pid = $1 RETURNING pid`,
        [anyTask.pid, PGBENCH_ROWS],
      )
    ).rows.map((r) => Number(r.pid));
    const lo = Math.min(...copied);
    const hi = Math.max(...copied);
    if (hi - lo + 1 !== PGBENCH_ROWS)
      throw new Error(`pgbench rows are not contiguous (${lo}..${hi} for ${PGBENCH_ROWS})`);
    const payload =
      (await raw.query<{ p: string }>(`${BENCH} SELECT payload::text AS p FROM outbox ORDER BY id DESC LIMIT 1`))
        .rows[0]?.p ?? JSON.stringify({ change: { pid: lo, version: 2 } });
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    const json = (s: string) => `convert_from(decode('${b64(s)}', 'base64'), 'UTF8')::jsonb`; // no ':' for pgbench to read as a variable
    const hash = () => `'${randomBytes(32).toString('hex')}'`;
    const script = path.join(tmp, 'transition.sql');
    writeFileSync(
      script,
      [
        `\\set pid random(${lo}, ${hi})`,
        'BEGIN;',
        'SELECT * FROM processes WHERE pid = :pid FOR UPDATE;',
        `UPDATE processes SET state = 'RUNNING', assignee = 'xiao_fang', started_at = now(), updated_at = now(), version = version + 1, audit_head = ${hash()} WHERE pid = :pid;`,
        `INSERT INTO process_events (pid, actor, action, from_state, to_state, cause, details, at, prev_hash, hash) VALUES (:pid, 'xiao_fang', 'start', 'READY', 'RUNNING', ${json('{"action":"start"}')}, NULL, now(), ${hash()}, ${hash()});`,
        `INSERT INTO outbox (topic, payload) VALUES ('bench.pgbench', ${json(payload)});`,
        'COMMIT;',
        '',
      ].join('\n'),
    );

    // 3. The runs.
    const ours = async (clients: number, seconds: number): Promise<Result> => {
      await sleep(50);
      counter.reset();
      relay.reset();
      const latencies: number[] = [];
      let commands = 0;
      let finished = 0;
      const cpu0 = process.cpuUsage();
      await meter!.start();
      const t0 = performance.now();
      const deadline = t0 + seconds * 1000;
      await Promise.all(
        Array.from({ length: clients }, async () => {
          while (performance.now() < deadline) {
            await journeys.run(label(), (c) => {
              if (c.kind !== 'read') {
                commands++;
                latencies.push(c.ms);
              }
            });
            finished++;
          }
        }),
      );
      const secs = (performance.now() - t0) / 1000;
      await sleep(50);
      const pgCpu = await meter!.stop();
      const cpu = process.cpuUsage(cpu0);
      const statements = counter.sample().total;
      return {
        tps: commands / secs,
        p50: pct(latencies, 50),
        p99: pct(latencies, 99),
        cpuMs: (cpu.user + cpu.system) / 1000 / commands,
        pgCpuMs: pgCpu / commands,
        n: commands,
        extra: { journeysPerSec: finished / secs, statements: statements / commands, relay: relay.count() / commands },
      };
    };
    const rawRun = async (clients: number, seconds: number): Promise<Result> => {
      const prefix = path.join(tmp, `log-${randomBytes(4).toString('hex')}`);
      await meter!.start();
      const out = await new Promise<string>((resolve, reject) =>
        execFile(
          pgbench,
          [
            '-n',
            '-M',
            'extended',
            '-f',
            script,
            '-c',
            String(clients),
            '-j',
            String(Math.min(clients, os.cpus().length)),
            '-T',
            String(seconds),
            '-l',
            `--log-prefix=${prefix}`,
            db.url,
          ],
          { maxBuffer: 1 << 24 },
          (err, stdout, stderr) =>
            err ? reject(new Error(`pgbench failed: ${stderr || err.message}`)) : resolve(stdout + stderr),
        ),
      );
      const pgCpu = await meter!.stop();
      const tps = Number(/tps = ([\d.]+)/.exec(out)?.[1]);
      const processed = Number(/number of transactions actually processed: (\d+)/.exec(out)?.[1]);
      const failedTx = Number(/number of failed transactions: (\d+)/.exec(out)?.[1] ?? 0);
      const latencies: number[] = [];
      for (const f of readdirSync(tmp).filter((f) => path.join(tmp, f).startsWith(prefix))) {
        for (const line of readFileSync(path.join(tmp, f), 'utf8').split('\n')) {
          const us = Number(line.split(' ')[2]);
          if (line && Number.isFinite(us)) latencies.push(us / 1000);
        }
        rmSync(path.join(tmp, f));
      }
      if (!(tps > 0) || failedTx > 0 || latencies.length !== processed) {
        failed = true;
        console.error(
          `SANITY: pgbench -c ${clients}: tps ${tps}, ${failedTx} failed, ${latencies.length} logged of ${processed}\n${out}`,
        );
      }
      return {
        tps,
        p50: pct(latencies, 50),
        p99: pct(latencies, 99),
        cpuMs: NaN,
        pgCpuMs: pgCpu / processed,
        n: processed,
        extra: {},
      };
    };

    console.log(
      `# journeys: whole clinic journeys over REST (in-process API, clinic design version ${version}) vs pgbench of the ` +
        `raw transition shape, ${SECONDS} s per run, median of ${RUNS} interleaved runs after a ${WARMUP_SECONDS} s warm-up; ` +
        `${process.env.DATABASE_URL ? 'DATABASE_URL' : 'embedded PostgreSQL'}; ${pgbench}`,
    );
    const rows: { clients: number; ours: Result[]; raw: Result[] }[] = [];
    for (const clients of CLIENTS) {
      await ours(clients, WARMUP_SECONDS);
      await rawRun(clients, WARMUP_SECONDS);
      const row = { clients, ours: [] as Result[], raw: [] as Result[] };
      for (let r = 0; r < RUNS; r++) {
        if (r % 2 === 0) {
          row.ours.push(await ours(clients, SECONDS));
          row.raw.push(await rawRun(clients, SECONDS));
        } else {
          row.raw.push(await rawRun(clients, SECONDS));
          row.ours.push(await ours(clients, SECONDS));
        }
      }
      rows.push(row);
      console.log(
        `#  ${clients} clients: ours ${fmt(median(row.ours.map((x) => x.tps)), 0)} commands/s, raw ${fmt(median(row.raw.map((x) => x.tps)), 0)} tx/s`,
      );
    }

    // Sanity: every journey started ended (root TERMINATED), no process in ERROR.
    const [{ open, errors }] = (
      await raw.query<{ open: number; errors: number }>(
        `${BENCH} SELECT count(*) FILTER (WHERE parent_pid IS NULL AND state <> 'TERMINATED')::int AS open,
                         count(*) FILTER (WHERE state = 'ERROR')::int AS errors
                    FROM processes WHERE pid NOT BETWEEN $1 AND $2`,
        [lo, hi],
      )
    ).rows as [{ open: number; errors: number }];
    if (open > 0 || errors > 0) {
      failed = true;
      console.error(`SANITY: ${open} journeys not TERMINATED, ${errors} processes in ERROR`);
    }

    console.log('');
    console.log(
      '# statements per REST call, calibration pass (one call at a time; relay = outbox relay statements after it):',
    );
    const kinds = [...COMMAND_KINDS, 'read'] as const;
    printTable(
      ['call', 'n', 'statements (mean)', 'min', 'max', 'relay (mean)', 'typical breakdown'],
      kinds
        .map((k) => {
          const xs = perCall.filter((c) => c.kind === k);
          if (xs.length === 0) return null;
          const own = xs.map((x) => x.own);
          const mid = xs.find((x) => x.own === median(own)) ?? xs[0]!;
          return [
            k === 'journey' ? 'journey (POST /processes)' : k === 'read' ? 'read (GET entity tasks)' : k,
            xs.length,
            fmt(own.reduce((a, b) => a + b, 0) / own.length),
            Math.min(...own),
            Math.max(...own),
            fmt(xs.reduce((a, x) => a + x.relay, 0) / xs.length),
            Object.entries(mid.byStatement)
              .map(([s, n]) => `${s}×${n}`)
              .join(' '),
          ];
        })
        .filter((r): r is (string | number)[] => r !== null),
    );
    console.log('');
    printTable(
      [
        'clients',
        'ours cmd/s',
        'ours p50 ms',
        'ours p99 ms',
        'journeys/s',
        'raw tx/s',
        'raw p50 ms',
        'raw p99 ms',
        'ours/raw',
        'stmts/cmd',
        'relay/cmd',
        'node CPU ms/cmd',
        'PG CPU ms/cmd',
        'PG CPU ms/raw tx',
      ],
      rows.map((r) => {
        const o = (f: (x: Result) => number) => median(r.ours.map(f));
        const w = (f: (x: Result) => number) => median(r.raw.map(f));
        return [
          r.clients,
          fmt(
            o((x) => x.tps),
            0,
          ),
          fmt(
            o((x) => x.p50),
            2,
          ),
          fmt(
            o((x) => x.p99),
            2,
          ),
          fmt(
            o((x) => x.extra['journeysPerSec']!),
            2,
          ),
          fmt(
            w((x) => x.tps),
            0,
          ),
          fmt(
            w((x) => x.p50),
            2,
          ),
          fmt(
            w((x) => x.p99),
            2,
          ),
          fmt(o((x) => x.tps) / w((x) => x.tps), 3),
          fmt(o((x) => x.extra['statements']!)),
          fmt(o((x) => x.extra['relay']!)),
          fmt(
            o((x) => x.cpuMs),
            2,
          ),
          fmt(
            o((x) => x.pgCpuMs),
            2,
          ),
          fmt(
            w((x) => x.pgCpuMs),
            2,
          ),
        ];
      }),
    );
    console.log(
      '# stmts/cmd = every statement the API sent during the run (commands, the task-list reads between them, the relay) / commands.',
    );
    console.log(
      '# node CPU = this process: the API and the in-process HTTP clients. PG CPU = the database’s backends (/proc; WAL writer, checkpointer, pgbench’s own process not included).',
    );
    console.log(`# total ${fmt((performance.now() - started) / 1000)} s`);
    relay.stop();
  } finally {
    await meter?.close();
    await raw?.end();
    await closeApp?.();
    await db.drop();
    rmSync(tmp, { recursive: true, force: true });
  }
  return failed;
}

runBench(main);
