import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdempotencyService } from '../src/modules/processes/idempotency/idempotency.service';
import { setupClinic, type ProcessDto } from './utils/clinic';
import { startTestApp, type TestApp } from './utils/test-app';

type Answer = { status: number; body: Record<string, unknown>; replayed: string | null };

describe('Idempotency-Key on process commands (real PostgreSQL)', () => {
  let t: TestApp;
  let c: Awaited<ReturnType<typeof setupClinic>>;
  let db: DataSource;
  beforeAll(async () => {
    t = await startTestApp();
    c = await setupClinic(t.url);
    db = t.app.get(DataSource);
  });
  afterAll(async () => {
    await t?.close();
  });

  /** POST /api<path> as `token` with an optional Idempotency-Key. */
  const post = async (token: string, path: string, body: unknown, key?: string): Promise<Answer> => {
    const res = await fetch(`${t.url}/api${path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        ...(key !== undefined ? { 'idempotency-key': key } : {}),
      },
      body: JSON.stringify(body),
    });
    return {
      status: res.status,
      body: (await res.json()) as Record<string, unknown>,
      replayed: res.headers.get('idempotent-replayed'),
    };
  };
  const journey = (label: string) => ({ service: 'ke_hu_fu_wu', entity: { type: 'Operator', label } });
  const countByLabel = async (label: string) =>
    Number(
      (
        await db.query<{ n: string }[]>(
          `SELECT count(*) AS n FROM processes p JOIN entities e ON e.type = p.entity_type AND e.id = p.entity_id
            WHERE e.label = $1`,
          [label],
        )
      )[0]!.n,
    );
  const fang = () => c.fang.client.accessToken!;

  it('a repeated POST /processes returns the first answer (status and body) without starting again', async () => {
    const first = await post(fang(), '/v1/processes', journey('幂等-1'), 'start-1');
    expect(first.status).toBe(201);
    expect(first.replayed).toBeNull();
    const created = await countByLabel('幂等-1');
    expect(created).toBeGreaterThan(1); // the instance and its first step
    const again = await post(fang(), '/v1/processes', journey('幂等-1'), 'start-1');
    expect(again.status).toBe(201);
    expect(again.replayed).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await countByLabel('幂等-1')).toBe(created);
    // Key order in the body does not matter (canonical JSON).
    const reordered = await post(
      fang(),
      '/v1/processes',
      { entity: { label: '幂等-1', type: 'Operator' }, service: 'ke_hu_fu_wu' },
      'start-1',
    );
    expect(reordered.body).toEqual(first.body);
    const [row] = await db.query<{ key: string; operator: string; status: number; request_hash: string }[]>(
      `SELECT key, operator, status, request_hash FROM idempotency_keys WHERE key = $1`,
      [`${c.fang.key}:start-1`],
    );
    expect(row).toMatchObject({ operator: c.fang.key, status: 201 });
    expect(row!.request_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('the same key with another body or path is refused with 422 naming Idempotency-Key', async () => {
    await post(fang(), '/v1/processes', journey('幂等-2'), 'start-2');
    const other = await post(fang(), '/v1/processes', journey('幂等-2b'), 'start-2');
    expect(other.status).toBe(422);
    expect(other.body).toMatchObject({ errors: [{ field: 'Idempotency-Key' }] });
    expect(await countByLabel('幂等-2b')).toBe(0);
    const root = (await post(fang(), '/v1/processes', journey('幂等-2c'))).body as unknown as ProcessDto;
    const booking = root.cascade.find((x) => x.service === 'xin_yu_yue')!;
    const otherPath = await post(fang(), `/v1/processes/${booking.pid}/start`, {}, 'start-2');
    expect(otherPath.status).toBe(422);
    expect((await c.admin.get<ProcessDto>(`/v1/processes/${booking.pid}`)).state).not.toBe('RUNNING');
  });

  it('keys are scoped per operator', async () => {
    const a = await post(fang(), '/v1/processes', journey('幂等-3'), 'shared');
    const b = await post(c.jiang.client.accessToken!, '/v1/processes', journey('幂等-3'), 'shared');
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.replayed).toBeNull();
    expect(b.body.pid).not.toBe(a.body.pid);
  });

  it('a repeated action answers like the first time instead of 409, and runs once', async () => {
    const root = (await post(fang(), '/v1/processes', journey('幂等-4'))).body as unknown as ProcessDto;
    const booking = root.cascade.find((x) => x.service === 'xin_yu_yue')!;
    const first = await post(fang(), `/v1/processes/${booking.pid}/complete`, { form: {} }, 'complete-4');
    expect(first.status).toBe(200);
    expect(first.body.state).toBe('TERMINATED');
    const auditRows = () => db.query<unknown[]>('SELECT id FROM process_events');
    const outboxRows = () => db.query<unknown[]>('SELECT id FROM outbox');
    const [auditBefore, outboxBefore] = [(await auditRows()).length, (await outboxRows()).length];
    const again = await post(fang(), `/v1/processes/${booking.pid}/complete`, { form: {} }, 'complete-4');
    expect(again).toEqual({ ...first, replayed: 'true' });
    // Nothing ran: no audit row, no outbox row.
    expect((await auditRows()).length).toBe(auditBefore);
    expect((await outboxRows()).length).toBe(outboxBefore);
    // Without the key, the kernel refuses the duplicate completion.
    expect((await post(fang(), `/v1/processes/${booking.pid}/complete`, { form: {} })).status).toBe(409);
  });

  it('concurrent requests with one key: the command runs once and every caller gets the same answer', async () => {
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => post(fang(), '/v1/processes', journey('幂等-5'), 'race-5')),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(6).fill(201));
    const pids = new Set(answers.map((a) => a.body.pid));
    expect(pids.size).toBe(1);
    for (const a of answers) expect(a.body).toEqual(answers[0]!.body);
    expect(answers.filter((a) => a.replayed === null)).toHaveLength(1);
    expect(await countByLabel('幂等-5')).toBe(1 + (answers[0]!.body.cascade as unknown[]).length);
    expect(await db.query(`SELECT 1 FROM entities WHERE label = '幂等-5'`)).toHaveLength(1);

    const booking = (answers[0]!.body as unknown as ProcessDto).cascade.find((x) => x.service === 'xin_yu_yue')!;
    const completions = await Promise.all(
      Array.from({ length: 4 }, () => post(fang(), `/v1/processes/${booking.pid}/complete`, { form: {} }, 'race-5c')),
    );
    expect(completions.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    for (const a of completions) expect(a.body).toEqual(completions[0]!.body);
  });

  it('a request whose key is held by an in-flight transaction waits for it, then replays its answer', async () => {
    const body = journey('幂等-9');
    const request = IdempotencyService.describe({
      header: 'held-9',
      operator: c.fang.key,
      method: 'POST',
      path: '/api/v1/processes',
      body,
      pid: null,
    });
    const holder = db.createQueryRunner();
    await holder.connect();
    await holder.startTransaction();
    try {
      // The "first request": its key row is inserted but not committed yet.
      await holder.query(
        `INSERT INTO idempotency_keys (key, operator, request_hash, response, status) VALUES ($1, $2, $3, '{"pending":true}', 0)`,
        [request.storeKey, request.operator, request.requestHash],
      );
      const second = post(fang(), '/v1/processes', body, 'held-9');
      await new Promise((resolve) => setTimeout(resolve, 300));
      await holder.query(`UPDATE idempotency_keys SET response = '{"first":true}', status = 201 WHERE key = $1`, [
        request.storeKey,
      ]);
      await holder.commitTransaction();
      const answer = await second;
      expect(answer).toEqual({ status: 201, body: { first: true }, replayed: 'true' });
      expect(await countByLabel('幂等-9')).toBe(0); // the second request never ran its command
    } finally {
      if (holder.isTransactionActive) await holder.rollbackTransaction();
      await holder.release();
    }
  });

  it('failed requests store nothing: the same key may be retried', async () => {
    const denied = await post(c.chen.client.accessToken!, '/v1/processes', journey('幂等-6'), 'fail-6');
    expect(denied.status).toBe(403);
    const rows = await db.query<unknown[]>(`SELECT 1 FROM idempotency_keys WHERE key = $1`, [`${c.chen.key}:fail-6`]);
    expect(rows).toHaveLength(0);
    expect((await post(c.chen.client.accessToken!, '/v1/processes', journey('幂等-6'), 'fail-6')).status).toBe(403);
  });

  it('validates the header: 1 to 200 characters', async () => {
    const empty = await post(fang(), '/v1/processes', journey('幂等-7'), '');
    expect(empty.status).toBe(422);
    expect(empty.body).toMatchObject({ errors: [{ field: 'Idempotency-Key' }] });
    const long = await post(fang(), '/v1/processes', journey('幂等-7'), 'k'.repeat(201));
    expect(long.status).toBe(422);
    expect(await countByLabel('幂等-7')).toBe(0);
    expect((await post(fang(), '/v1/processes', journey('幂等-7'), 'k'.repeat(200))).status).toBe(201);
  });

  it('a key left pending by a crash after commit replays the current view of the process', async () => {
    const first = await post(fang(), '/v1/processes', journey('幂等-8'), 'crash-8');
    expect((first.body.cascade as unknown[]).length).toBeGreaterThan(0);
    // What a crash between the command's commit and storing its answer leaves behind: the pending marker
    // with the pid written inside the command's transaction.
    await db.query(
      `UPDATE idempotency_keys SET status = 0, response = jsonb_build_object('pending', true, 'pid', $2::bigint),
              created_at = now() - interval '1 hour' WHERE key = $1`,
      [`${c.fang.key}:crash-8`, first.body.pid],
    );
    const replay = await post(fang(), '/v1/processes', journey('幂等-8'), 'crash-8');
    expect(replay.status).toBe(201);
    expect(replay.replayed).toBe('true');
    expect(replay.body).toMatchObject({ pid: first.body.pid, service: 'ke_hu_fu_wu', cascade: [] });
    expect(await countByLabel('幂等-8')).toBe(1 + (first.body.cascade as unknown[]).length);
  });
});
