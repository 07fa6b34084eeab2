/**
 * Benchmark: live latency — from a task change's COMMIT to its `task.changed` push arriving at a socket.io client —
 * of the app, next to a bare socket.io server emitting right after a raw commit, interleaved in the same run.
 *
 * One clock: the API runs in this process (`createApp`, clinic design seeded), and so do the socket.io clients, so
 * both stamps are `performance.now()` of one process. t_commit: the statement counter's driver hook stamps the
 * moment the `COMMIT` of the command's transaction is acknowledged by PostgreSQL (the first callback on its
 * answer, before the app's own continuation); the changes that transaction committed are read from its
 * `INSERT INTO outbox` parameters (pid, version). t_push: a socket.io client (socket.io-client, websocket),
 * signed in as 小方, receives `task.changed` for that (pid, version). The change: 小方's 新预约 toggled RUNNING ⇄
 * SUSPENDED (POST suspend | resume).
 * Raw: a bare socket.io `Server` on its own port (namespace /live, the same room), a raw `pg` transaction on another
 * 新预约 row (BEGIN; UPDATE processes … RETURNING version; INSERT process_events; COMMIT), stamped by the same hook
 * on its COMMIT, then `emit` of a same-shaped payload to the room; the same kind of client stamps its receipt.
 * App and raw changes alternate one by one (which goes first alternates); 1 client, and 50 (49 more connections
 * in the same rooms on each server, each checked to receive every change); per scenario a warm-up, then 3 runs of
 * BENCH_LIVE_N changes each side; p50/p99 are medians of the runs' percentiles. No sample may be negative.
 *
 *   npm run bench:live                 # embedded PostgreSQL (or DATABASE_URL when set)
 *   BENCH_LIVE_N=500 npm run bench:live
 *   env: BENCH_LIVE_N (200), BENCH_RUNS (3), BENCH_LIVE_CLIENTS (1,50)
 */
import { StatementCounter } from './support/statement-counter';
const counter = StatementCounter.install(/^\/\* bench \*\//);
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConsoleLogger, Logger } from '@nestjs/common';
import { Client } from 'pg';
import { Server } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import { createApp } from '../apps/api/src/bootstrap/create-app';
import { logLevelsUpTo, parseLogLevel } from '../apps/api/src/infra/config/app-config';
import { ApiClient } from '../apps/api/src/journey/api-client';
import { createBenchDatabase } from './support/bench-database';
import { benchPassword, ENTRY_SERVICE, FIRST_STEP } from './support/clinic';
import { envInt, envInts, fmt, median, pct, printTable } from './support/stats';
import { runBench } from './support/run';

const N = envInt('BENCH_LIVE_N', 200);
const RUNS = envInt('BENCH_RUNS', 3);
const CLIENTS = envInts('BENCH_LIVE_CLIENTS', [1, 50]);
const WARMUP = Math.min(20, N);
const ROOM = 'operator:xiao_fang';
const TIMEOUT_MS = 10_000;

const key = (pid: number, version: number) => `${pid}:${version}`;

/** (pid, version) of every change object inside an outbox payload (JSON text), e.g. `{ change: { pid, version } }`. */
function changesIn(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') {
    if (!value.startsWith('{') && !value.startsWith('[')) return out;
    try {
      return changesIn(JSON.parse(value), out);
    } catch {
      return out;
    }
  }
  if (Array.isArray(value)) value.forEach((v) => changesIn(v, out));
  else if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (typeof o['pid'] === 'number' && typeof o['version'] === 'number') out.push(key(o['pid'], o['version']));
    else Object.values(o).forEach((v) => changesIn(v, out));
  }
  return out;
}

/** Stamps commits: per (pid, version) for the app's outbox changes, and per connection for every COMMIT. */
function stampCommits() {
  const pending = new Map<Client, string[]>();
  const byChange = new Map<string, number>();
  const byClient = new Map<Client, number>();
  const stop = counter.observe((s) => {
    if (s.kind === 'START' || s.kind === 'BEGIN' || s.kind === 'ROLLBACK') pending.delete(s.client);
    // The outbox rows go in with the rest of the changeset (one statement): every (pid, version) in its parameters.
    else if (/INSERT INTO outbox/i.test(s.text))
      pending.set(s.client, [...(pending.get(s.client) ?? []), ...changesIn(s.values)]);
    else if (s.kind === 'COMMIT') {
      const keys = pending.get(s.client) ?? [];
      pending.delete(s.client);
      s.onAnswer(({ at, error }) => {
        if (error) return;
        byClient.set(s.client, at);
        for (const k of keys) if (!byChange.has(k)) byChange.set(k, at);
      });
    }
  });
  return { byChange, byClient, stop };
}

/** Receipt stamps of `task.changed` per (pid, version), first receipt only, with waiters. */
class Receipts {
  private readonly at = new Map<string, number>();
  private readonly waiters = new Map<string, () => void>();
  count = 0;
  note(change: { pid: number; version: number }): void {
    this.count++;
    const k = key(change.pid, change.version);
    if (this.at.has(k)) return;
    this.at.set(k, performance.now());
    this.waiters.get(k)?.();
  }
  /** The receipt time of (pid, version), waiting for it. @throws Error after TIMEOUT_MS */
  async wait(k: string): Promise<number> {
    const known = this.at.get(k);
    if (known !== undefined) return known;
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no task.changed for ${k} within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
      this.waiters.set(k, () => {
        clearTimeout(t);
        this.waiters.delete(k);
        resolve();
      });
    });
    return this.at.get(k)!;
  }
}

async function sockets(url: string, token: string, n: number, onChange: (c: { pid: number; version: number }) => void) {
  return Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<Socket>((resolve, reject) => {
          const socket = connect(url, {
            auth: { token },
            transports: ['websocket'],
            forceNew: true,
            reconnection: false,
          });
          socket.on('task.changed', onChange);
          socket.once('connect', () => resolve(socket));
          socket.once('connect_error', reject);
        }),
    ),
  );
}

async function main(): Promise<boolean> {
  const started = performance.now();
  process.env.LOG_LEVEL ??= 'warn';
  Logger.overrideLogger(
    new ConsoleLogger({ json: true, logLevels: logLevelsUpTo(parseLogLevel(process.env.LOG_LEVEL, 'warn')) }),
  );
  process.env.JWT_SECRET ??= randomBytes(32).toString('hex');
  const adminPassword = (process.env.ADMIN_PASSWORD ??= benchPassword());
  const db = await createBenchDatabase('opkernel_livebench');
  const rawHttp = http.createServer();
  const rawIo = new Server(rawHttp);
  let closeApp: (() => Promise<void>) | null = null;
  let rawDb: Client | null = null;
  const opened: Socket[] = [];
  let failed = false;
  const stamps = stampCommits();
  try {
    const app = await createApp({ databaseUrl: db.url, port: 0, seed: true });
    closeApp = app.close;
    const admin = await ApiClient.login(app.url, 'admin', adminPassword);
    const password = benchPassword();
    await admin.put('/v1/operators/xiao_fang/password', { password });
    const fang = await ApiClient.login(app.url, 'fang', password);
    const journey = async (label: string) => {
      const root = await fang.post<{ cascade: { pid: number; service: string }[] }>('/v1/processes', {
        service: ENTRY_SERVICE,
        entity: { type: 'Operator', label },
      });
      const pid = root.cascade.find((c) => c.service === FIRST_STEP)!.pid;
      await fang.post(`/v1/processes/${pid}/start`);
      return pid;
    };
    const appPid = await journey('live bench (app)');
    const rawPid = await journey('live bench (raw)');

    rawIo.of('/live').on('connection', (socket) => void socket.join([ROOM, 'role:hu_shi', 'role:ke_fu']));
    await new Promise<void>((resolve) => rawHttp.listen(0, '127.0.0.1', resolve));
    const rawUrl = `http://127.0.0.1:${(rawHttp.address() as AddressInfo).port}`;
    rawDb = new Client({ connectionString: db.url });
    await rawDb.connect();

    const appReceipts = new Receipts();
    const rawReceipts = new Receipts();
    opened.push(...(await sockets(`${app.url}/live`, fang.accessToken!, 1, (c) => appReceipts.note(c))));
    opened.push(...(await sockets(`${rawUrl}/live`, 'raw', 1, (c) => rawReceipts.note(c))));
    let sample: Record<string, unknown> | null = null;
    opened[0]!.on('task.changed', (c: Record<string, unknown>) => (sample ??= c));

    let appState = 'RUNNING';
    const roundTrips: number[] = [];
    const appChange = async (): Promise<number> => {
      const action = appState === 'RUNNING' ? 'suspend' : 'resume';
      const t0 = performance.now();
      const r = await fang.post<{ pid: number; version: number; state: string }>(
        `/v1/processes/${appPid}/${action}`,
        action === 'suspend' ? { reason: 'bench' } : {},
      );
      roundTrips.push(performance.now() - t0);
      appState = r.state;
      const k = key(appPid, r.version);
      const pushed = await appReceipts.wait(k);
      const committed = stamps.byChange.get(k);
      if (committed === undefined) throw new Error(`no COMMIT stamp for ${k} (the hook did not see its outbox row)`);
      return pushed - committed;
    };
    let rawState = 'RUNNING';
    const rawChange = async (): Promise<number> => {
      const next = rawState === 'RUNNING' ? 'SUSPENDED' : 'RUNNING';
      await rawDb!.query('BEGIN');
      const { rows } = await rawDb!.query<{ version: number }>(
        `UPDATE processes SET state = $2, suspend_reason = $3, updated_at = now(), version = version + 1 WHERE pid = $1 RETURNING version`,
        [rawPid, next, next === 'SUSPENDED' ? 'bench' : null],
      );
      await rawDb!.query(
        `INSERT INTO process_events (pid, actor, action, from_state, to_state, cause, at) VALUES ($1, 'xiao_fang', $2, $3, $4, $5, now())`,
        [rawPid, next === 'SUSPENDED' ? 'suspend' : 'resume', rawState, next, JSON.stringify({ action: 'bench' })],
      );
      await rawDb!.query('COMMIT');
      const committed = stamps.byClient.get(rawDb!)!;
      const version = rows[0]!.version;
      rawIo
        .of('/live')
        .to(ROOM)
        .emit('task.changed', {
          ...(sample ?? {}),
          pid: rawPid,
          version,
          state: next,
          fromState: rawState,
          at: Date.now(),
        });
      rawState = next;
      return (await rawReceipts.wait(key(rawPid, version))) - committed;
    };

    type Scenario = { clients: number; app: number[][]; raw: number[][] };
    const scenarios: Scenario[] = [];
    const negatives = { app: 0, raw: 0 };
    const extras = { app: 0, raw: 0, expected: 0 };
    for (const clients of CLIENTS) {
      const more = clients - 1;
      let appMore = 0;
      let rawMore = 0;
      const extraSockets = [
        ...(await sockets(`${app.url}/live`, fang.accessToken!, more, () => appMore++)),
        ...(await sockets(`${rawUrl}/live`, 'raw', more, () => rawMore++)),
      ];
      opened.push(...extraSockets);
      const s: Scenario = { clients, app: [], raw: [] };
      let changes = 0;
      for (let run = -1; run < RUNS; run++) {
        const n = run < 0 ? WARMUP : N;
        const a: number[] = [];
        const b: number[] = [];
        for (let i = 0; i < n; i++) {
          if (i % 2 === 0) {
            a.push(await appChange());
            b.push(await rawChange());
          } else {
            b.push(await rawChange());
            a.push(await appChange());
          }
        }
        changes += n;
        negatives.app += a.filter((x) => x < 0).length;
        negatives.raw += b.filter((x) => x < 0).length;
        if (run >= 0) {
          s.app.push(a);
          s.raw.push(b);
        }
      }
      await new Promise((r) => setTimeout(r, 300)); // the extra clients' last deliveries
      extras.app += appMore;
      extras.raw += rawMore;
      extras.expected += more * changes;
      for (const x of extraSockets) x.disconnect();
      scenarios.push(s);
    }
    if (negatives.app + negatives.raw > 0) failed = true;
    if (extras.app < extras.expected || extras.raw < extras.expected) failed = true;

    console.log(
      `# live latency: COMMIT acknowledged → task.changed received by a socket.io client, app (in-process API, outbox relay, ` +
        `socket.io /live) vs bare socket.io emit after a raw commit; same process clock; N=${N} changes per side per run, ` +
        `interleaved one by one, median of ${RUNS} runs after ${WARMUP} warm-up changes; ` +
        `${process.env.DATABASE_URL ? 'DATABASE_URL' : 'embedded PostgreSQL'}${process.env.REDIS_URL ? ', Redis adapter' : ''}`,
    );
    console.log(
      `# change: 新预约 #${appPid} RUNNING ⇄ SUSPENDED by 小方 (POST suspend|resume; the HTTP round trip p50 ${fmt(pct(roundTrips, 50), 2)} ms, ` +
        `p99 ${fmt(pct(roundTrips, 99), 2)} ms, for scale); raw: UPDATE + INSERT on #${rawPid}, then emit`,
    );
    console.log(
      `# clients = the measured client + (clients − 1) more socket.io connections per server in the same rooms (app: as 小方); ` +
        `they received app ${extras.app}, raw ${extras.raw} of ${extras.expected} changes each side`,
    );
    console.log(`# negative samples: app ${negatives.app}, raw ${negatives.raw} (must be 0)`);
    const m = (xs: number[][], p: number) => median(xs.map((x) => pct(x, p)));
    printTable(
      ['clients', 'n', 'app p50 ms', 'app p99 ms', 'raw p50 ms', 'raw p99 ms', 'app/raw p50', 'app/raw p99'],
      scenarios.map((s) => [
        s.clients,
        s.app.reduce((a, x) => a + x.length, 0),
        fmt(m(s.app, 50), 3),
        fmt(m(s.app, 99), 3),
        fmt(m(s.raw, 50), 3),
        fmt(m(s.raw, 99), 3),
        fmt(m(s.app, 50) / m(s.raw, 50), 1),
        fmt(m(s.app, 99) / m(s.raw, 99), 1),
      ]),
    );
    console.log(`# total ${fmt((performance.now() - started) / 1000)} s`);
  } finally {
    stamps.stop();
    for (const s of opened) s.disconnect();
    await rawDb?.end();
    rawIo.close();
    await closeApp?.();
    await db.drop();
  }
  return failed;
}

runBench(main, 'negative samples, or clients that missed changes');
