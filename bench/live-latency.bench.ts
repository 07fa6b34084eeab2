/**
 * Benchmark: live latency of the operator web app — from a task change's commit to the change being visible in
 * the DOM of a signed-in browser page — next to the floor for the same path, a bare socket.io server's
 * emit → receive in a page of the same Chromium, measured in the same run. Prints p50/p99 and the ratio.
 *
 * App: the API in-process (`createApp`, clinic design seeded) on a fresh database, serving the built web app.
 * 小方 is signed in on My tasks in Chromium; a MutationObserver in the page stamps
 * `performance.timeOrigin + performance.now()` when her 新预约 row shows the expected `data-state`. Node
 * toggles that task between RUNNING and SUSPENDED (POST suspend / resume as 小方) and stamps the same clock
 * right after the HTTP answer (the command has committed). Latency = DOM stamp − commit stamp, with the page's
 * clock offset measured (min-RTT probe) and removed.
 * Raw: `new Server()` from socket.io on its own port, a page that loads its client and stamps each
 * `task.changed` on receipt; node stamps just before `emit` to the same room. Same clock, same correction.
 * "50 clients": the measured page + 49 socket.io-client connections authenticated as 小方 (so in the same
 * operator:xiao_fang and role rooms), each receiving every change.
 *
 *   npm run bench:live                 # embedded PostgreSQL (or DATABASE_URL when set)
 *   BENCH_LIVE_N=500 npm run bench:live
 */
import { createBenchDatabase } from './support/bench-database';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConsoleLogger, Logger } from '@nestjs/common';
import type { Browser, Page } from 'playwright-core';
import { Server } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import { createApp } from '../apps/api/src/bootstrap/create-app';
import { logLevelsUpTo, parseLogLevel } from '../apps/api/src/infra/config/app-config';
import { ApiClient } from '../apps/api/src/journey/api-client';
import { launchBrowser, signIn } from '../e2e/support/browser';
import { ensureWebBuild } from '../e2e/support/web-build';

const N = Number(process.env.BENCH_LIVE_N ?? 200);
const WARMUP = 10;
const EXTRA_CLIENTS = 49;
const ROOM = 'operator:xiao_fang';

const now = () => performance.timeOrigin + performance.now();
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

/** Page clock − node clock, from the probe with the smallest round trip. */
async function clockOffset(page: Page): Promise<{ offset: number; rtt: number }> {
  let best = { offset: 0, rtt: Infinity };
  for (let i = 0; i < 40; i++) {
    const t0 = now();
    const p = await page.evaluate('performance.timeOrigin + performance.now()');
    const t1 = now();
    if (t1 - t0 < best.rtt) best = { offset: (p as number) - (t0 + t1) / 2, rtt: t1 - t0 };
  }
  return best;
}

/** Opens `n` socket.io connections to `url` (namespace included) with `token`; counts what they receive. */
async function extraClients(url: string, token: string, n: number) {
  let received = 0;
  const sockets = await Promise.all(
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
          socket.on('task.changed', () => received++);
          socket.once('connect', () => resolve(socket));
          socket.once('connect_error', reject);
        }),
    ),
  );
  return {
    received: () => received,
    close: () => sockets.forEach((s) => s.disconnect()),
  };
}

/** In the web app page: stamps the time a task row shows the expected state (set per change). */
const APP_OBSERVER = `(() => {
  const bench = (window.__bench = { expect: null, seen: {} });
  bench.check = () => {
    const e = bench.expect;
    if (!e) return;
    const rows = document.querySelectorAll('[data-testid="list-mine"] [data-testid="task-row"][data-pid="' + e.pid + '"]');
    for (const row of rows) {
      if (row.getAttribute('data-state') === e.state) {
        bench.seen[e.seq] = performance.timeOrigin + performance.now();
        bench.expect = null;
        return;
      }
    }
  };
  new MutationObserver(bench.check).observe(document.body, {
    subtree: true, childList: true, attributes: true, attributeFilter: ['data-state', 'data-pid'],
  });
})()`;

/** The raw page: socket.io's own client on namespace /live, stamping each task.changed on receipt. */
const RAW_PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>raw socket.io</title></head><body>
<script src="/socket.io/socket.io.min.js"></script>
<script>
  window.__seen = {};
  window.__socket = io('/live', { auth: { token: 'raw' } });
  window.__socket.on('task.changed', (change) => { window.__seen[change.seq] = performance.timeOrigin + performance.now(); });
</script></body></html>`;

type Row = { scenario: string; latencies: number[] };

/** Commit → DOM on the web app: toggles the task RUNNING ⇄ SUSPENDED. */
let nextSeq = 1;

async function measureApp(
  page: Page,
  fang: ApiClient,
  pid: number,
  startState: string,
): Promise<{ latencies: number[]; roundTrips: number[]; state: string }> {
  const { offset } = await clockOffset(page);
  const latencies: number[] = [];
  const roundTrips: number[] = [];
  let state = startState;
  for (let i = 0; i < N + WARMUP; i++) {
    const seq = nextSeq++;
    const target = state === 'SUSPENDED' ? 'RUNNING' : 'SUSPENDED';
    await page.evaluate(`window.__bench.expect = ${JSON.stringify({ seq, pid, state: target })}`);
    const sent = now();
    if (target === 'SUSPENDED') await fang.post(`/v1/processes/${pid}/suspend`, { reason: 'bench' });
    else await fang.post(`/v1/processes/${pid}/resume`);
    const committed = now();
    const shown = (await (
      await page.waitForFunction(`window.__bench.seen[${seq}]`, undefined, { polling: 'raf', timeout: 10_000 })
    ).jsonValue()) as number;
    state = target;
    if (i >= WARMUP) {
      latencies.push(shown - offset - committed);
      roundTrips.push(committed - sent);
    }
  }
  return { latencies, roundTrips, state };
}

/** Emit → receive on the bare socket.io server. */
async function measureRaw(page: Page, emit: (seq: number) => void): Promise<number[]> {
  const { offset } = await clockOffset(page);
  const latencies: number[] = [];
  for (let i = 0; i < N + WARMUP; i++) {
    const seq = nextSeq++;
    const sent = now();
    emit(seq);
    const received = (await (
      await page.waitForFunction(`window.__seen[${seq}]`, undefined, { polling: 'raf', timeout: 10_000 })
    ).jsonValue()) as number;
    if (i >= WARMUP) latencies.push(received - offset - sent);
  }
  return latencies;
}

async function main() {
  const started = Date.now();
  process.env.LOG_LEVEL ??= 'warn';
  // Quiet the embedded PostgreSQL start (createApp sets the app's own logger later).
  Logger.overrideLogger(
    new ConsoleLogger({ json: true, logLevels: logLevelsUpTo(parseLogLevel(process.env.LOG_LEVEL, 'warn')) }),
  );
  process.env.JWT_SECRET ??= randomBytes(32).toString('hex');
  process.env.ADMIN_PASSWORD ??= `bench-${randomBytes(8).toString('hex')}`;
  await ensureWebBuild((line) => console.log(line));

  const db = await createBenchDatabase('opkernel_livebench');

  let browser: Browser | null = null;
  let closeApp: (() => Promise<void>) | null = null;
  const rawHttp = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(RAW_PAGE);
  });
  const rawIo = new Server(rawHttp);
  try {
    const app = await createApp({ databaseUrl: db.url, port: 0, seed: true });
    closeApp = app.close;
    const url = app.url;
    const adminApi = await ApiClient.login(url, 'admin', process.env.ADMIN_PASSWORD);
    const password = `bench-${randomBytes(8).toString('hex')}`;
    await adminApi.put('/v1/operators/xiao_fang/password', { password });
    const fang = await ApiClient.login(url, 'fang', password);
    const root = await fang.post<{ cascade: { pid: number; service: string }[] }>('/v1/processes', {
      service: 'ke_hu_fu_wu',
      entity: { type: 'Operator', label: 'bench customer' },
    });
    const pid = root.cascade.find((c) => c.service === 'xin_yu_yue')!.pid;
    await fang.post(`/v1/processes/${pid}/start`);

    // Bare socket.io: same namespace and room names, no app.
    rawIo.of('/live').on('connection', (socket) => void socket.join([ROOM, 'role:hu_shi', 'role:ke_fu']));
    await new Promise<void>((resolve) => rawHttp.listen(0, '127.0.0.1', resolve));
    const rawUrl = `http://127.0.0.1:${(rawHttp.address() as AddressInfo).port}`;
    const sample = {
      pid,
      version: 1,
      service: 'xin_yu_yue',
      serviceLabel: '新预约',
      state: 'RUNNING',
      fromState: 'SUSPENDED',
      assignee: 'xiao_fang',
      candidateRoles: ['ke_fu', 'guan_li_yuan'],
      entity: { type: 'Operator', id: randomBytes(16).toString('hex'), label: 'bench customer' },
      kind: 'task',
      priority: 0,
      scheduledAt: null,
      deadline: null,
      at: Date.now(),
    };
    const emitRaw = (seq: number) =>
      rawIo
        .of('/live')
        .to(ROOM)
        .emit('task.changed', { ...sample, seq, at: Date.now() });

    browser = await launchBrowser();
    const appContext = await browser.newContext({ baseURL: url, viewport: { width: 1280, height: 860 } });
    const appPage = await appContext.newPage();
    await signIn(appPage, 'fang', password);
    await appPage.goto('/');
    await appPage.locator(`[data-testid="list-mine"] [data-testid="task-row"][data-pid="${pid}"]`).waitFor();
    await appPage.locator('[data-testid="live-status"][data-connected="true"]').waitFor({ state: 'attached' });
    await appPage.evaluate(APP_OBSERVER);
    const rawPage = await (await browser.newContext({ baseURL: rawUrl })).newPage();
    await rawPage.goto('/');
    await rawPage.waitForFunction(
      'window.__socket.connected && window.__socket.io.engine.transport.name === "websocket"',
      undefined,
      { timeout: 10_000 },
    );

    const rows: Row[] = [];
    const roundTrips: number[] = [];
    let appState = 'RUNNING';
    const runApp = async (scenario: string) => {
      const measured = await measureApp(appPage, fang, pid, appState);
      appState = measured.state;
      roundTrips.push(...measured.roundTrips);
      rows.push({ scenario, latencies: measured.latencies });
    };

    rows.push({ scenario: 'raw socket.io emit→receive, 1 client', latencies: await measureRaw(rawPage, emitRaw) });
    await runApp('app commit→DOM, 1 client');

    const rawExtra = await extraClients(`${rawUrl}/live`, 'raw', EXTRA_CLIENTS);
    rows.push({ scenario: 'raw socket.io emit→receive, 50 clients', latencies: await measureRaw(rawPage, emitRaw) });
    rawExtra.close();
    const appExtra = await extraClients(`${url}/live`, fang.accessToken!, EXTRA_CLIENTS);
    await runApp('app commit→DOM, 50 clients');
    await new Promise((resolve) => setTimeout(resolve, 500)); // let the last deliveries land
    appExtra.close();
    const expected = EXTRA_CLIENTS * (N + WARMUP);
    if (rawExtra.received() < expected || appExtra.received() < expected)
      throw new Error(
        `the ${EXTRA_CLIENTS} extra clients did not receive every change: raw ${rawExtra.received()}, app ${appExtra.received()} of ${expected}`,
      );

    const appOffset = await clockOffset(appPage);
    const rawOffset = await clockOffset(rawPage);
    console.log(
      `# live latency: app commit → visible in the DOM (web app in Chromium ${browser.version()}) vs bare socket.io emit → receive, ` +
        `N=${N} per scenario after ${WARMUP} warm-up, same run (${process.env.DATABASE_URL ? 'DATABASE_URL' : 'embedded PostgreSQL'}${process.env.REDIS_URL ? ', Redis adapter' : ''})`,
    );
    console.log(
      `# change: 新预约 #${pid} toggled RUNNING ⇄ SUSPENDED by 小方 (POST suspend|resume); commit stamp = right after the HTTP answer`,
    );
    console.log(
      `# 50 clients = the measured page + ${EXTRA_CLIENTS} socket.io-client connections authenticated as 小方 (same operator:xiao_fang / role rooms), each received every change (app ${appExtra.received()}, raw ${rawExtra.received()})`,
    );
    console.log(
      `# page clock offsets removed: app page ${appOffset.offset.toFixed(3)} ms (probe RTT ${appOffset.rtt.toFixed(2)} ms), raw page ${rawOffset.offset.toFixed(3)} ms`,
    );
    console.log(
      `# for scale: the suspend|resume HTTP round trip itself (request → answer) p50 ${pct(roundTrips, 50).toFixed(2)} ms, p99 ${pct(roundTrips, 99).toFixed(2)} ms`,
    );
    const rawBy = (clients: string) => rows.find((r) => r.scenario.startsWith('raw') && r.scenario.endsWith(clients))!;
    console.log(`${'scenario'.padEnd(40)} | ${'n'.padStart(4)} | p50 ms | p99 ms | app/raw p50 | app/raw p99`);
    for (const row of rows) {
      const p50 = pct(row.latencies, 50);
      const p99 = pct(row.latencies, 99);
      let ratio = `${''.padStart(11)} | ${''.padStart(11)}`;
      if (row.scenario.startsWith('app')) {
        const raw = rawBy(row.scenario.slice(row.scenario.lastIndexOf(',')));
        ratio = `${(p50 / pct(raw.latencies, 50)).toFixed(1).padStart(11)} | ${(p99 / pct(raw.latencies, 99)).toFixed(1).padStart(11)}`;
      }
      console.log(
        `${row.scenario.padEnd(40)} | ${String(row.latencies.length).padStart(4)} | ${p50.toFixed(2).padStart(6)} | ${p99.toFixed(2).padStart(6)} | ${ratio}`,
      );
    }
    console.log(`# total ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    await browser?.close();
    rawIo.close();
    await closeApp?.();
    await db.drop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
