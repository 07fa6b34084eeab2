import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupClinic, type ProcessDto } from './utils/clinic';
import { problem } from './utils/problem';
import { startTestApp, type TestApp } from './utils/test-app';

type View = ProcessDto & { waitReason: string | null; parentPid: number | null };

/** Issue "Trust" §6: journeys that cannot get stuck (clinic design, real PostgreSQL). */
describe('journeys that cannot get stuck', () => {
  let t: TestApp;
  let c: Awaited<ReturnType<typeof setupClinic>>;

  beforeAll(async () => {
    t = await startTestApp();
    c = await setupClinic(t.url);
  });
  afterAll(async () => {
    await t?.close();
  });

  const start = async (label: string) => {
    const root = await c.fang.client.post<ProcessDto>('/v1/processes', {
      service: 'ke_hu_fu_wu',
      entity: { type: 'Operator', label },
    });
    return { root, booking: root.cascade.find((x) => x.service === 'xin_yu_yue')! };
  };

  it("cancelling a journey's only open step makes it an incident; an admin re-opens the step and it goes on", async () => {
    const { root, booking } = await start('卡住');
    const cancelled = await c.fang.client.post<View & { cascade: { pid: number; state: string }[] }>(
      `/v1/processes/${booking.pid}/cancel`,
      { reason: '客户改期' },
    );
    expect(cancelled.state).toBe('TERMINATED');
    const stuck = await c.admin.get<View>(`/v1/processes/${root.pid}`);
    expect(stuck.state).toBe('ERROR');
    expect(stuck.waitReason).toMatch(/no live work left/);
    const errors = await c.admin.get<{ items: View[] }>('/v1/processes?state=ERROR');
    expect(errors.items.map((p) => p.pid)).toContain(root.pid); // what the monitor lists

    expect((await problem(c.fang.client.post(`/v1/processes/${booking.pid}/reopen`))).status).toBe(403);
    const reopened = await c.admin.post<View>(`/v1/processes/${booking.pid}/reopen`);
    expect(reopened).toMatchObject({ service: 'xin_yu_yue', state: 'READY', parentPid: root.pid });
    expect((await c.admin.get<View>(`/v1/processes/${root.pid}`)).state).toBe('RUNNING');
    // The new step goes to the journey's starter again, who completes it: the journey goes on.
    expect(reopened.assignee).toBe(c.fang.key);
    const done = await c.fang.client.post<{ cascade: { service: string }[] }>(
      `/v1/processes/${reopened.pid}/complete`,
      { form: {} },
    );
    expect(done.cascade.map((x) => x.service)).toContain('dao_zhen_ti_xing');
  });

  it('the operator who started a journey cancels it, with all its open work, in one transaction', async () => {
    const { root, booking } = await start('取消');
    expect((await problem(c.chen.client.post(`/v1/processes/${root.pid}/cancel`, { reason: 'x' }))).status).toBe(403);
    const answer = await c.fang.client.post<View & { cascade: { pid: number; state: string }[] }>(
      `/v1/processes/${root.pid}/cancel`,
      { reason: '客户离开' },
    );
    expect(answer.state).toBe('TERMINATED');
    expect(answer.cascade.find((x) => x.pid === booking.pid)?.state).toBe('TERMINATED');
    const step = await c.fang.client.get<View & { terminatedReason: string }>(`/v1/processes/${booking.pid}`);
    expect(step.terminatedReason).toBe('cancelled');
  });
});
