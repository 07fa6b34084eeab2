import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupClinic, type ProcessDto } from './utils/clinic';
import { startTestApp, type TestApp } from './utils/test-app';

type Verification = { ok: boolean; rows: number; firstBroken: { pid: number; id: number } | null };

/** Issue "Trust" §7: each audit row is chained by SHA-256 to its process's previous row; tampering is found. */
describe('tamper-evident audit trail (real PostgreSQL)', () => {
  let t: TestApp;
  let c: Awaited<ReturnType<typeof setupClinic>>;
  let db: DataSource;
  let booking: number;

  beforeAll(async () => {
    t = await startTestApp();
    c = await setupClinic(t.url);
    db = t.app.get(DataSource);
    for (const label of ['链一', '链二']) {
      const root = await c.fang.client.post<ProcessDto>('/v1/processes', {
        service: 'ke_hu_fu_wu',
        entity: { type: 'Operator', label },
      });
      booking = root.cascade.find((x) => x.service === 'xin_yu_yue')!.pid;
      await c.fang.client.post(`/v1/processes/${booking}/start`);
      await c.fang.client.post(`/v1/processes/${booking}/suspend`, { reason: '客户来电' });
      await c.fang.client.post(`/v1/processes/${booking}/resume`);
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  const verify = async (query = ''): Promise<Verification> => c.admin.get<Verification>(`/v1/audit/verify${query}`);

  it('every row is written with its hash in the command transaction, and the chains verify', async () => {
    const rows = await db.query<{ n: number; hashed: number }[]>(
      'SELECT count(*)::int AS n, count(hash)::int AS hashed FROM process_events',
    );
    expect(rows[0]!.n).toBeGreaterThan(10);
    expect(rows[0]!.hashed).toBe(rows[0]!.n);
    expect(await verify()).toEqual({ ok: true, rows: rows[0]!.n, firstBroken: null });
    const one = await verify(`?pid=${booking}`);
    expect(one.ok).toBe(true);
    expect(one.rows).toBeGreaterThan(3);
  });

  it('an edited row, and a deleted one, are named as the first broken row', async () => {
    const [target] = await db.query<{ id: string }[]>(
      `SELECT id FROM process_events WHERE pid = $1 AND action = 'suspend'`,
      [booking],
    );
    await db.query(`UPDATE process_events SET details = '{"reason":"改过了"}' WHERE id = $1`, [target!.id]);
    expect(await verify()).toMatchObject({ ok: false, firstBroken: { pid: booking, id: Number(target!.id) } });
    expect((await verify(`?pid=${booking}`)).firstBroken).toEqual({ pid: booking, id: Number(target!.id) });
    await db.query(`UPDATE process_events SET details = '{"reason":"客户来电"}' WHERE id = $1`, [target!.id]);
    expect((await verify()).ok).toBe(true);

    const [first, second] = await db.query<{ id: string }[]>(
      'SELECT id FROM process_events WHERE pid = $1 ORDER BY id LIMIT 2',
      [booking],
    );
    await db.query('DELETE FROM process_events WHERE id = $1', [first!.id]);
    expect((await verify()).firstBroken).toEqual({ pid: booking, id: Number(second!.id) });
  });

  it('rows cut off the end of a chain are found through the head kept on the process', async () => {
    const root = await c.fang.client.post<ProcessDto>('/v1/processes', {
      service: 'ke_hu_fu_wu',
      entity: { type: 'Operator', label: '链三' },
    });
    const task = root.cascade.find((x) => x.service === 'xin_yu_yue')!.pid;
    await c.fang.client.post(`/v1/processes/${task}/start`);
    expect((await verify(`?pid=${task}`)).ok).toBe(true);
    const rows = await db.query<{ id: string }[]>('SELECT id FROM process_events WHERE pid = $1 ORDER BY id', [task]);
    await db.query('DELETE FROM process_events WHERE id = $1', [rows[rows.length - 1]!.id]);
    expect((await verify(`?pid=${task}`)).firstBroken).toEqual({ pid: task, id: Number(rows[rows.length - 2]!.id) });
  });

  it('is for administrators only', async () => {
    const r = await fetch(`${t.url}/api/v1/audit/verify`, {
      headers: { authorization: `Bearer ${c.fang.client.accessToken}` },
    });
    expect(r.status).toBe(403);
    const bad = await fetch(`${t.url}/api/v1/audit/verify?pid=x`, {
      headers: { authorization: `Bearer ${c.admin.accessToken}` },
    });
    expect(bad.status).toBe(422);
  });
});
