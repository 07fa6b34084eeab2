import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import { ApiProblem } from '../src/journey/api-client';
import { setupClinic, type ProcessDto } from './utils/clinic';
import { startTestApp, type TestApp } from './utils/test-app';

type Change = {
  pid: number;
  version: number;
  service: string;
  serviceLabel: string;
  state: string;
  assignee: string | null;
  entity: { label: string | null } | null;
};

describe('live task changes over socket.io /live (real PostgreSQL, real socket.io client)', () => {
  let t: TestApp;
  let c: Awaited<ReturnType<typeof setupClinic>>;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    t = await startTestApp();
    c = await setupClinic(t.url);
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await t?.close();
  });

  const connect = async (token: string | null) => {
    const s = io(`${t.url}/live`, { auth: { token }, transports: ['websocket'], reconnection: false });
    sockets.push(s);
    await new Promise<void>((resolve, reject) => {
      s.once('connect', () => resolve());
      s.once('connect_error', reject);
    });
    const seen: Change[] = [];
    s.on('task.changed', (ch: Change) => seen.push(ch));
    return { s, seen };
  };
  const until = async (cond: () => boolean, ms = 15_000) => {
    const end = Date.now() + ms;
    while (!cond()) {
      if (Date.now() > end) throw new Error('timed out waiting for a live event');
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  it('pushes a rule-created task to the right rooms after commit, with the committed state', async () => {
    const fang = await connect(c.fang.client.accessToken);
    const chen = await connect(c.chen.client.accessToken);
    const root = await c.fang.client.post<ProcessDto>('/v1/processes', {
      service: 'ke_hu_fu_wu',
      entity: { type: 'Operator', label: '直播' },
    });
    const watcher = await connect(c.jiang.client.accessToken);
    const ack = await watcher.s.emitWithAck('subscribe', { room: `entity:Operator:${root.entity!.id}` });
    expect(ack).toMatchObject({ ok: true });
    const booking = root.cascade.find((x) => x.service === 'xin_yu_yue')!;
    // fang is the assignee: her operator room got the new task.
    await until(() => fang.seen.some((e) => e.pid === booking.pid));

    const done = await c.fang.client.post<ProcessDto>(`/v1/processes/${booking.pid}/complete`, { form: {} });
    const reminder = done.cascade.find((x) => x.service === 'dao_zhen_ti_xing')!;
    await until(() => fang.seen.some((e) => e.pid === reminder.pid));
    await until(() => watcher.seen.some((e) => e.pid === booking.pid && e.state === 'TERMINATED'));
    // What was pushed is what is committed: the process read back has at least that version.
    const pushed = fang.seen.find((e) => e.pid === reminder.pid)!;
    const stored = await c.admin.get<ProcessDto>(`/v1/processes/${reminder.pid}`);
    expect(stored.version).toBeGreaterThanOrEqual(pushed.version);
    expect(stored.state).toBe(pushed.state);
    // The payload carries what a task list shows, so clients need not read the row back.
    expect(pushed).toMatchObject({ serviceLabel: '到诊提醒', entity: { label: '直播' } });
    // The doctor's rooms saw none of this reception work.
    expect(chen.seen.filter((e) => e.pid === booking.pid || e.pid === reminder.pid)).toEqual([]);
  });

  it('a command that rolls back pushes nothing and leaves nothing half-written', async () => {
    const admin = await connect(c.admin.accessToken); // admins join `monitor`: they see every change
    const countEntities = async () => (await c.admin.get<{ total: number }>('/v1/processes?pageSize=1')).total;
    const before = await countEntities();
    const maxPidBefore = (await c.admin.get<{ items: ProcessDto[] }>('/v1/processes?pageSize=1')).items[0]?.pid ?? 0;
    // chen may not start 客户服务: the new entity row written inside the transaction is rolled back with it.
    const err = await c.chen.client
      .post('/v1/processes', { service: 'ke_hu_fu_wu', entity: { type: 'Operator', label: '回滚' } })
      .catch((e: ApiProblem) => e);
    expect((err as ApiProblem).status).toBe(403);
    // Prove the channel is live: a committed change after it arrives, and nothing arrived in between.
    const ok = await c.fang.client.post<ProcessDto>('/v1/processes', {
      service: 'ke_hu_fu_wu',
      entity: { type: 'Operator', label: '提交' },
    });
    await until(() => admin.seen.some((e) => e.pid === ok.pid));
    const between = admin.seen.filter((e) => e.pid > maxPidBefore && e.pid < ok.pid);
    expect(between).toEqual([]);
    expect(await countEntities()).toBe(before + ok.cascade.length + 1);
    const search = await c.admin.get<{ items: ProcessDto[] }>('/v1/processes?pageSize=200');
    expect(search.items.some((p) => p.entity?.label === '回滚')).toBe(false);
  });
});
