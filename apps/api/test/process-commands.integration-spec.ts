import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiProblem } from '../src/journey/api-client';
import { setupClinic, type ProcessDto } from './utils/clinic';
import { startTestApp, type TestApp } from './utils/test-app';
import { problem } from './utils/problem';

describe('process commands (real PostgreSQL)', () => {
  let t: TestApp;
  let c: Awaited<ReturnType<typeof setupClinic>>;
  beforeAll(async () => {
    t = await startTestApp();
    c = await setupClinic(t.url);
  });
  afterAll(async () => {
    await t?.close();
  });

  const startJourney = (label: string) =>
    c.fang.client.post<ProcessDto>('/v1/processes', { service: 'ke_hu_fu_wu', entity: { type: 'Operator', label } });

  it('completing a completed task answers 409 and never creates a second next step', async () => {
    const root = await startJourney('重复完成');
    const booking = root.cascade.find((x) => x.service === 'xin_yu_yue')!;
    const done = await c.fang.client.post<ProcessDto>(`/v1/processes/${booking.pid}/complete`, { form: {} });
    expect(done.state).toBe('TERMINATED');
    const again = await problem(c.fang.client.post(`/v1/processes/${booking.pid}/complete`, { form: {} }));
    expect(again.status).toBe(409);
    expect(again.problem.title).toBeTruthy();
    // Concurrent duplicate completions of the next step: exactly one wins.
    const reminder = done.cascade.find((x) => x.service === 'dao_zhen_ti_xing')!;
    const results = await Promise.allSettled(
      [0, 1, 2].map(() => c.fang.client.post(`/v1/processes/${reminder.pid}/complete`, { form: {} })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((r): r is PromiseRejectedResult => r.status === 'rejected'))
      expect((r.reason as ApiProblem).status).toBe(409);
    const list = await c.admin.get<{ items: ProcessDto[] }>(
      `/v1/processes?entityType=Operator&entityId=${root.entity!.id}&pageSize=200`,
    );
    expect(list.items.filter((p) => p.service === 'dao_zhen_ti_xing')).toHaveLength(1);
    expect(list.items.filter((p) => p.service === 'ke_hu_jie_dai')).toHaveLength(1);
  });

  it('two operators claiming one pool task at once: exactly one wins, the other gets 409', async () => {
    const root = await startJourney('抢单');
    const booking = root.cascade.find((x) => x.service === 'xin_yu_yue')!;
    await c.fang.client.post(`/v1/processes/${booking.pid}/unclaim`);
    const pool = await c.jiang.client.get<ProcessDto[]>('/v1/tasks/pool');
    expect(pool.map((p) => p.pid)).toContain(booking.pid);
    const [a, b] = await Promise.allSettled([
      c.fang.client.post<ProcessDto>(`/v1/processes/${booking.pid}/claim`),
      c.jiang.client.post<ProcessDto>(`/v1/processes/${booking.pid}/claim`),
    ]);
    const wins = [a, b].filter((r) => r.status === 'fulfilled');
    const losses = [a, b].filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(wins).toHaveLength(1);
    expect(losses).toHaveLength(1);
    expect((losses[0]!.reason as ApiProblem).status).toBe(409);
    const after = await c.admin.get<ProcessDto>(`/v1/processes/${booking.pid}`);
    expect([c.fang.key, c.jiang.key]).toContain(after.assignee);
    const events = await c.admin.get<{ action: string }[]>(`/v1/processes/${booking.pid}/events`);
    expect(events.filter((e) => e.action === 'claimed')).toHaveLength(1);
  });

  it('checks roles and ownership: a doctor cannot work reception tasks; nobody works another operator task', async () => {
    const root = await startJourney('权限');
    const booking = root.cascade.find((x) => x.service === 'xin_yu_yue')!;
    // The doctor may not read a reception task: 404 like a missing process, before any other check.
    expect((await problem(c.chen.client.post(`/v1/processes/${booking.pid}/complete`, { form: {} }))).status).toBe(404);
    expect((await problem(c.jiang.client.post(`/v1/processes/${booking.pid}/complete`, { form: {} }))).status).toBe(
      403,
    );
    expect(
      (
        await problem(
          c.chen.client.post('/v1/processes', { service: 'ke_hu_fu_wu', entity: { type: 'Operator', label: 'x' } }),
        )
      ).status,
    ).toBe(403);
    const transfer = await problem(
      c.fang.client.post(`/v1/processes/${booking.pid}/transfer`, { operator: c.chen.key }),
    );
    expect(transfer.status).toBe(422);
    expect(transfer.problem.errors?.[0]?.field).toBe('operator');
    // The picker offers exactly the staff whose roles allow the service (not the doctor, not the assignee).
    const candidates = await c.fang.client.get<{ key: string }[]>(`/v1/processes/${booking.pid}/transfer-candidates`);
    expect(candidates.map((o) => o.key)).toContain(c.jiang.key);
    expect(candidates.map((o) => o.key)).not.toContain(c.chen.key);
    expect(candidates.map((o) => o.key)).not.toContain(c.fang.key);
    const moved = await c.fang.client.post<ProcessDto>(`/v1/processes/${booking.pid}/transfer`, {
      operator: c.jiang.key,
    });
    expect(moved.assignee).toBe(c.jiang.key);
    const mine = await c.jiang.client.get<ProcessDto[]>('/v1/tasks/mine');
    expect(mine.map((p) => p.pid)).toContain(booking.pid);
  });

  it('bad input gets problem+json naming the field and writes nothing', async () => {
    const before = await c.admin.get<{ total: number }>('/v1/processes?pageSize=1');
    const missing = await problem(c.fang.client.post('/v1/processes', { entity: { type: 'Operator', label: 'x' } }));
    expect(missing.status).toBe(422);
    expect(missing.problem.errors?.map((e) => e.field)).toContain('service');
    const unknown = await problem(
      c.fang.client.post('/v1/processes', { service: 'nope', entity: { type: 'Operator', label: 'x' } }),
    );
    expect(unknown.status).toBe(422);
    const noEntity = await problem(
      c.fang.client.post('/v1/processes', { service: 'ke_hu_fu_wu', entity: { type: 'Operator', id: 'ghost' } }),
    );
    expect(noEntity.problem.errors?.[0]?.field).toBe('entity.id');
    const after = await c.admin.get<{ total: number }>('/v1/processes?pageSize=1');
    expect(after.total).toBe(before.total);
    // An invalid form field is refused at the field; the task stays open.
    const root = await startJourney('表单');
    const booking = root.cascade.find((x) => x.service === 'xin_yu_yue')!;
    const design = await c.admin.get<{
      services: { key: string; form: { properties: Record<string, { type?: string }> } | null }[];
    }>('/v1/designs/current');
    const props = design.services.find((s) => s.key === 'xin_yu_yue')!.form!.properties;
    const intField = Object.entries(props).find(([, p]) => p.type === 'integer')![0];
    const bad = await problem(
      c.fang.client.post(`/v1/processes/${booking.pid}/complete`, { form: { [intField]: 'not a number' } }),
    );
    expect(bad.status).toBe(422);
    expect(bad.problem.errors?.[0]?.field).toBe(`form.${intField}`);
    const still = await c.admin.get<ProcessDto>(`/v1/processes/${booking.pid}`);
    expect(still.state).not.toBe('TERMINATED');
  });

  it('suspend fires the SUSPENDED rule and resume returns to the state held before', async () => {
    const root = await startJourney('挂起');
    const booking = root.cascade.find((x) => x.service === 'xin_yu_yue')!;
    await c.fang.client.post(`/v1/processes/${booking.pid}/start`);
    const s = await c.fang.client.post<ProcessDto & { suspendReason: string; resumeState: string }>(
      `/v1/processes/${booking.pid}/suspend`,
      { reason: 'customer called back' },
    );
    expect(s).toMatchObject({ state: 'SUSPENDED', suspendReason: 'customer called back', resumeState: 'RUNNING' });
    const r = await c.fang.client.post<ProcessDto>(`/v1/processes/${booking.pid}/resume`);
    expect(r.state).toBe('RUNNING');
    const groups = await c.admin.get<{ running: ProcessDto[]; scheduled: ProcessDto[] }>(
      `/v1/entities/Operator/${root.entity!.id}/tasks`,
    );
    expect(groups.running.map((p) => p.pid)).toContain(booking.pid);
  });
});
