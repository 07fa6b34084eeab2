import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'pg';
import { Server } from 'socket.io';
import { io as connect } from 'socket.io-client';
import { jsonPoster } from './http-post';
import { rawChain } from './pipeline-chain';
import { Arrivals, payloadOf, type PipelineSystem } from './pipeline-system';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS raw_items (id bigserial PRIMARY KEY, state text NOT NULL, payload jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now());
  CREATE TABLE IF NOT EXISTS raw_item_events (id bigserial PRIMARY KEY, item_id bigint NOT NULL, action text NOT NULL,
    at timestamptz NOT NULL DEFAULT now())`;

/**
 * The raw contract (L6c), what one would write by hand: an HTTP server (node:http, JSON body; express is not a
 * dependency of ours) where `POST /ping` runs a transaction (INSERT item + INSERT event), adds the item to the same
 * raw chain as {@link rawChain} and answers `{ id }`; the `q0` worker runs a transaction (UPDATE item + INSERT
 * event) and `io.emit('done', { id })` on socket.io; a socket.io-client (websocket) in this process stamps t1 on
 * receipt. Tables `raw_items`, `raw_item_events` in `databaseUrl`; pg pool of 10.
 */
export async function contractSystem(
  databaseUrl: string,
  redisUrl: string,
  route: readonly number[],
  concurrency: number,
): Promise<PipelineSystem> {
  const pool = new Pool({ connectionString: databaseUrl, max: 10 });
  pool.on('error', (e) => console.warn(`contract pool: ${e.message}`));
  await pool.query(SCHEMA);
  const tx = async (fn: (q: (sql: string, values: unknown[]) => Promise<{ id: string }[]>) => Promise<string>) => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const id = await fn(async (sql, values) => (await client.query<{ id: string }>(sql, values)).rows);
      await client.query('COMMIT');
      return id;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
  };
  const server = http.createServer();
  const io = new Server(server);
  const chain = await rawChain('contract', redisUrl, route, concurrency, async (job) => {
    await tx(async (q) => {
      await q(`UPDATE raw_items SET state = 'done', updated_at = now() WHERE id = $1`, [job.id]);
      await q(`INSERT INTO raw_item_events (item_id, action) VALUES ($1, 'done')`, [job.id]);
      return job.id;
    });
    io.emit('done', { id: job.id });
  });
  server.on('request', (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        try {
          if (req.method !== 'POST' || req.url !== '/ping') throw new Error(`no route ${req.method} ${req.url}`);
          const payload = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
          const id = await tx(async (q) => {
            const [row] = await q(`INSERT INTO raw_items (state, payload) VALUES ('running', $1) RETURNING id`, [
              payload,
            ]);
            await q(`INSERT INTO raw_item_events (item_id, action) VALUES ($1, 'created')`, [row!.id]);
            return row!.id;
          });
          await chain.start({ id, payload });
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id }));
        } catch (e) {
          res.writeHead(500, { 'content-type': 'text/plain' }).end(String(e));
        }
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const done = new Arrivals<string>();
  const socket = connect(url, { transports: ['websocket'], forceNew: true, reconnection: false });
  socket.on('done', (m: { id: string }) => done.note(m.id));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  const poster = jsonPoster();
  let answers: number[] = [];
  return {
    name: 'contract',
    once: async (seq, timeoutMs) => {
      const t0 = performance.now();
      done.expect();
      const { id } = await poster.post<{ id: string }>(`${url}/ping`, payloadOf(seq)).catch((e: unknown) => {
        done.outstanding--;
        throw e;
      });
      answers.push(performance.now() - t0);
      return done.wait(id, timeoutMs);
    },
    inFlight: () => done.outstanding,
    takeAnswers: () => {
      const a = answers;
      answers = [];
      return a;
    },
    close: async () => {
      socket.disconnect();
      poster.close();
      await chain.close();
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await pool.end();
    },
  };
}
