/**
 * Global set-up of the browser tests (Vitest project `e2e`): builds the operator web app when its sources
 * changed, creates a fresh database on the server of DATABASE_URL (embedded PostgreSQL in .data/pg-e2e when
 * unset), and starts the app exactly as `npm start` does — `node scripts/start.mjs`, which imports the clinic
 * design on first start and serves apps/web/out at `/`. Provides `e2eBaseUrl` and `e2eAdminPassword`.
 * Teardown: SIGTERM to the app's process group, then DROP DATABASE. The app's output goes to
 * e2e/artifacts/app.log.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../apps/api/src/infra/database/embedded-postgres';
import { withAdminClient, withDatabase } from '../apps/api/test/utils/pg-admin';
import { ARTIFACTS, ROOT } from './support/paths';
import { ensureWebBuild } from './support/web-build';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Origin of the app under test, e.g. `http://127.0.0.1:41234` (web app at `/`, REST at `/api`). */
    e2eBaseUrl: string;
    /** Password of the `admin` account of that app. */
    e2eAdminPassword: string;
  }
}

const ADMIN_PASSWORD = 'e2e-admin-password-1';
const START_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 20_000;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function exited(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  mkdirSync(ARTIFACTS, { recursive: true });
  for (const name of readdirSync(ARTIFACTS)) if (name.endsWith('.png')) rmSync(path.join(ARTIFACTS, name));
  await ensureWebBuild((line) => console.log(`[e2e] ${line}`));

  let embedded: EmbeddedPostgresHandle | null = null;
  let serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    embedded = await startEmbeddedPostgres({ dataDir: path.join(ROOT, '.data', 'pg-e2e'), port: 54332 });
    serverUrl = embedded.url;
  }
  const database = `opkernel_e2e_${randomBytes(4).toString('hex')}`;
  await withAdminClient(serverUrl, (client) => client.query(`CREATE DATABASE ${database}`));

  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const logFile = path.join(ARTIFACTS, 'app.log');
  const log = openSync(logFile, 'w');
  // `npm start` without the build step (done above); Vitest's own variables stay out of the app's environment.
  const env: NodeJS.ProcessEnv = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('VITEST') && key !== 'NODE_ENV'),
  );
  Object.assign(env, {
    DATABASE_URL: withDatabase(serverUrl, database),
    PORT: String(port),
    HOST: '127.0.0.1',
    ADMIN_PASSWORD,
    OPKERNEL_SKIP_WEB_BUILD: '1',
    LOG_LEVEL: 'warn',
  });
  const app = spawn(process.execPath, ['scripts/start.mjs'], {
    cwd: ROOT,
    env,
    detached: true, // own process group: teardown signals the whole group
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  // start.mjs runs the API in a process group of its own; remember it for a forced stop.
  let apiPid: number | undefined;

  const stop = async () => {
    if (!(await exited(app, 0))) {
      killGroup(app.pid, 'SIGTERM');
      if (!(await exited(app, STOP_TIMEOUT_MS))) {
        killGroup(app.pid, 'SIGKILL');
        killGroup(apiPid, 'SIGKILL');
        await exited(app, 5_000);
      }
    }
    await withAdminClient(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
    await embedded?.stop();
  };

  try {
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      if (app.exitCode !== null || app.signalCode !== null)
        throw new Error(`the app exited (${app.exitCode ?? app.signalCode}) before it was healthy`);
      const ok = await fetch(`${baseUrl}/api/health`, { signal: AbortSignal.timeout(2_000) }).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (Date.now() > deadline) throw new Error(`the app was not healthy within ${START_TIMEOUT_MS} ms`);
      await sleep(250);
    }
    const home = await fetch(`${baseUrl}/`);
    const html = await home.text();
    if (!home.ok || !/text\/html/.test(home.headers.get('content-type') ?? '') || !/<html/i.test(html))
      throw new Error(`GET / did not serve the web app: ${home.status} ${home.headers.get('content-type')}`);
    try {
      const children = execFileSync('ps', ['-o', 'pid=', '--ppid', String(app.pid)], { encoding: 'utf8' });
      apiPid = Number(children.trim().split(/\s+/)[0]) || undefined;
    } catch {
      apiPid = undefined;
    }
  } catch (error) {
    const tail = readFileSync(logFile, 'utf8').split('\n').slice(-40).join('\n');
    await stop();
    throw new Error(`${(error as Error).message}\n--- ${path.relative(ROOT, logFile)} ---\n${tail}`);
  }

  project.provide('e2eBaseUrl', baseUrl);
  project.provide('e2eAdminPassword', ADMIN_PASSWORD);
  return stop;
}
