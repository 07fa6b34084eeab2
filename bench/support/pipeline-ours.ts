import { Redis } from 'ioredis';
import { Client } from 'pg';
import { io as connect, type Socket } from 'socket.io-client';
import { createApp } from '../../apps/api/src/bootstrap/create-app';
import { ApiClient } from '../../apps/api/src/journey/api-client';
import { queuePrefix } from '../../apps/api/src/modules/decks/queue-factory';
import { jsonPoster } from './http-post';
import { Arrivals, payloadOf, type PipelineSystem } from './pipeline-system';

/** The system service that runs the route (started by the program's NEW rule). */
export const BENCH_SERVICE = 'bench_route';
/** How often the admin socket is replaced by one with a fresh access token (they last 15 min), ms. */
const SOCKET_REFRESH_MS = 10 * 60_000;

/** The program the bench's event starts: its rules start {@link BENCH_SERVICE} and return when it has ended. */
export const BENCH_PROGRAM = 'bench_ping';

/**
 * The B2 design: decks 3, 1, 2, 4 (`ops.echo`, concurrency `concurrency`, 3 attempts with exponential backoff from
 * 1 s, as the raw chain's jobs); event trigger `bench.ping` → program `bench_ping`, whose NEW rule starts the system
 * service `bench_route` (the route `[3, 1, 2, 4, 0]` on the event's payload, its result published to the program's
 * frame) and whose rule on `bench_route` TERMINATED is `calling_return`: the program ends TERMINATED in the same
 * transaction.
 */
export function pipelineDesign(route: readonly number[], concurrency: number) {
  const rule = (
    key: string,
    order: number,
    subject: string,
    event: string,
    instruction: string,
    operand: string | null,
  ) => ({
    key,
    label: key,
    program: BENCH_PROGRAM,
    order,
    subject,
    event,
    instruction,
    operand,
  });
  return {
    schemaVersion: 1,
    name: 'bench-pipeline',
    decks: route
      .filter((d) => d !== 0)
      .map((id) => ({
        key: `bench_${id}`,
        id,
        label: `Bench ${id}`,
        handlers: ['ops.echo'],
        concurrency,
        retry: { attempts: 3, backoff: { type: 'exponential', delayMs: 1000 } },
      })),
    services: [
      { key: BENCH_PROGRAM, label: 'Bench ping', kind: 'manual', routeTo: 'bench' },
      {
        key: BENCH_SERVICE,
        label: 'Bench route',
        kind: 'system',
        automation: { route: [...route], input: { payload: '=event.payload' }, resultVar: 'bench_result' },
      },
    ],
    events: [
      { key: 'on_new', label: 'new', expression: 'process_state = "NEW"' },
      { key: 'done', label: 'done', expression: 'process_state = "TERMINATED"' },
    ],
    instructions: [
      { key: 'start', label: 'start', sysCall: 'start_service', parameters: [] },
      { key: 'return', label: 'return', sysCall: 'calling_return', parameters: [] },
    ],
    rules: [
      rule('route', 1, BENCH_PROGRAM, 'on_new', 'start', BENCH_SERVICE),
      rule('finish', 2, BENCH_SERVICE, 'done', 'return', null),
    ],
    eventTriggers: [{ key: 'ping', source: 'bench', type: 'bench.ping', start: BENCH_PROGRAM }],
    roles: [{ key: 'bench', label: 'Bench', services: [BENCH_PROGRAM] }],
  };
}

/** An admin socket on `/live` that stamps `task.changed {pid, TERMINATED}` of {@link BENCH_PROGRAM}. */
function adminSocket(url: string, token: string, done: Arrivals<number>): Promise<Socket> {
  return new Promise<Socket>((resolve, reject) => {
    const socket = connect(`${url}/live`, { auth: { token }, transports: ['websocket'], forceNew: true });
    socket.on('task.changed', (c: { pid: number; state: string; service: string }) => {
      if (c.state === 'TERMINATED' && c.service === BENCH_PROGRAM) done.note(c.pid);
    });
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

/**
 * Ours: the API in this process (`createApp` on `databaseUrl`, Redis mode, decks run inline by the API's own
 * workers), the {@link pipelineDesign} imported, an `events:write` API token for the POSTs and an admin socket on
 * `/live`. `once`: t0 = `POST /api/v1/events {source: bench, type: bench.ping, payload}` sent; t1 = the admin socket
 * receives `task.changed` saying the pid the answer named is TERMINATED. `ADMIN_PASSWORD` must be set.
 * On close the app stops and its queues' keys (its prefix) are removed from Redis.
 */
export async function oursSystem(
  databaseUrl: string,
  redisUrl: string,
  route: readonly number[],
  concurrency: number,
): Promise<PipelineSystem> {
  const app = await createApp({ databaseUrl, port: 0, seed: false, redisUrl, docs: false });
  const login = () => ApiClient.login(app.url, 'admin', process.env.ADMIN_PASSWORD!);
  const admin = await login();
  await admin.post('/v1/designs?format=native', pipelineDesign(route, concurrency));
  const { token } = await admin.post<{ token: string }>('/v1/api-tokens', { name: 'b2', scopes: ['events:write'] });
  const done = new Arrivals<number>();
  let socket = await adminSocket(app.url, admin.accessToken!, done);
  const refresh = setInterval(() => {
    void (async () => {
      const next = await adminSocket(app.url, (await login()).accessToken!, done);
      const old = socket;
      socket = next;
      old.disconnect();
    })().catch((e: unknown) => console.error('admin socket refresh failed', e));
  }, SOCKET_REFRESH_MS);
  const poster = jsonPoster();
  const url = `${app.url}/api/v1/events`;
  let answers: number[] = [];
  return {
    name: 'ours',
    once: async (seq, timeoutMs) => {
      const t0 = performance.now();
      const body = { source: 'bench', eventId: `e${seq}`, type: 'bench.ping', payload: payloadOf(seq) };
      done.expect();
      const answer = await poster.post<{ started: { pid: number }[] }>(url, body, token).catch((e: unknown) => {
        done.outstanding--;
        throw e;
      });
      answers.push(performance.now() - t0);
      const pid = answer.started[0]?.pid;
      if (pid === undefined) {
        done.outstanding--;
        throw new Error(`event e${seq} started nothing: ${JSON.stringify(answer)}`);
      }
      return done.wait(pid, timeoutMs);
    },
    inFlight: () => done.outstanding,
    takeAnswers: () => {
      const a = answers;
      answers = [];
      return a;
    },
    close: async () => {
      clearInterval(refresh);
      socket.disconnect();
      poster.close();
      const pg = new Client({ connectionString: databaseUrl });
      await pg.connect();
      const prefix = await queuePrefix(async <T>(sql: string) => (await pg.query(sql)).rows as T[]);
      await pg.end();
      await app.close();
      const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
      try {
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
          if (keys.length > 0) await redis.del(...keys);
          cursor = next;
        } while (cursor !== '0');
      } finally {
        redis.disconnect();
      }
    },
  };
}
