import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboxRelay, type OutboxMessage } from '../src/infra/outbox/outbox-relay.service';
import { setupClinic, type ProcessDto } from './utils/clinic';
import { expectEventually } from './utils/expect-eventually';
import { startTestApp, type TestApp } from './utils/test-app';

type OutboxRow = { id: string; topic: string; attempts: number; dispatched: boolean; leased: boolean };

describe('outbox: a command delivers its own effects after commit; the poll loop catches what it could not', () => {
  let t: TestApp;
  let c: Awaited<ReturnType<typeof setupClinic>>;
  let db: DataSource;
  const seen: { id: string; pid: number }[] = [];
  let failNext = 0;

  beforeAll(async () => {
    t = await startTestApp();
    c = await setupClinic(t.url);
    db = t.app.get(DataSource);
    // A second subscriber of the kernel's topic (beside the live channel): it may be told to fail.
    t.app.get(OutboxRelay).subscribe('process.changed', (messages: OutboxMessage[]) => {
      if (failNext > 0) {
        failNext--;
        throw new Error('subscriber down');
      }
      for (const m of messages) seen.push({ id: m.id, pid: (m.payload as { change: { pid: number } }).change.pid });
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  const rowsOf = (pid: number) =>
    db.query<OutboxRow[]>(
      `SELECT id, topic, attempts, dispatched_at IS NOT NULL AS dispatched, claimed_until > now() AS leased
         FROM outbox WHERE payload->'change'->>'pid' = $1 ORDER BY id`,
      [String(pid)],
    );
  const startJourney = async (label: string) =>
    c.fang.client.post<ProcessDto>('/v1/processes', {
      service: 'ke_hu_fu_wu',
      entity: { type: 'Operator', label },
    });

  it("delivers a command's rows at once to every subscriber and marks them dispatched (one attempt)", async () => {
    const journey = await startJourney('outbox one');
    await expectEventually(async () => {
      const rows = await rowsOf(journey.pid);
      expect(rows.length).toBeGreaterThan(0);
      for (const r of rows) expect(r).toMatchObject({ topic: 'process.changed', attempts: 1, dispatched: true });
    });
    expect(seen.filter((s) => s.pid === journey.pid)).toHaveLength((await rowsOf(journey.pid)).length);
  });

  it('a failed in-process delivery is retried by the poll loop, and then dispatched', async () => {
    failNext = 1;
    const journey = await startJourney('outbox two');
    await expectEventually(async () => {
      const rows = await rowsOf(journey.pid);
      for (const r of rows) expect(r).toMatchObject({ attempts: 2, dispatched: true });
    }, 10_000);
    expect(seen.filter((s) => s.pid === journey.pid).length).toBe((await rowsOf(journey.pid)).length);
  });

  it('rows leased to a relay are left alone until the lease ends (a relay that died mid-delivery)', async () => {
    const journey = await startJourney('outbox three');
    await expectEventually(async () => {
      for (const r of await rowsOf(journey.pid)) expect(r.dispatched).toBe(true);
    });
    // As if the process that wrote them had died before delivering: pending again, still leased.
    await db.query(
      `UPDATE outbox SET dispatched_at = NULL, claimed_until = now() + interval '1 hour'
        WHERE payload->'change'->>'pid' = $1`,
      [String(journey.pid)],
    );
    const before = seen.filter((s) => s.pid === journey.pid).length;
    await t.app.get(OutboxRelay).drain();
    expect(seen.filter((s) => s.pid === journey.pid).length).toBe(before);
    // The lease runs out: the next drain delivers them again (at least once).
    await db.query(
      `UPDATE outbox SET claimed_until = now() - interval '1 second' WHERE payload->'change'->>'pid' = $1`,
      [String(journey.pid)],
    );
    await t.app.get(OutboxRelay).drain();
    expect(seen.filter((s) => s.pid === journey.pid).length).toBe(2 * before);
    for (const r of await rowsOf(journey.pid)) expect(r.dispatched).toBe(true);
  });
});
