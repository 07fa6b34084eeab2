import { DataSource } from 'typeorm';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../src/journey/api-client';
import type { LiveAck } from '../src/modules/live/live-events.type';
import { setupClinic, type ProcessDto } from './utils/clinic';
import { createOperator } from './utils/factories';
import { startTestApp, type TestApp } from './utils/test-app';
import { problem } from './utils/problem';

type Brief = { pid: number; service: string };
type ProcessWithRelations = ProcessDto & { formData: unknown; children: Brief[]; parent: Brief | null };
type Groups = Record<'scheduled' | 'running' | 'paused' | 'done', ProcessDto[]> & { entity: { label: string | null } };

describe('process read policy: REST and live rooms (real PostgreSQL)', () => {
  let t: TestApp;
  let c: Awaited<ReturnType<typeof setupClinic>>;
  let customer: ApiClient;
  let roleless: ApiClient;
  let root: ProcessDto;
  let booking: Brief;
  const sockets: Socket[] = [];

  const connect = async (token: string | null): Promise<Socket> => {
    const s = io(`${t.url}/live`, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
    sockets.push(s);
    await new Promise<void>((resolve, reject) => {
      s.once('connect', () => resolve());
      s.once('connect_error', reject);
    });
    return s;
  };
  const subscribe = (s: Socket, room: string): Promise<LiveAck> => s.timeout(5000).emitWithAck('subscribe', { room });
  /** Runs `work` while operator `key` has `change` applied in the database, then restores the row. */
  const withOperator = async (
    key: string,
    change: { roles?: string[]; staff?: boolean },
    work: () => Promise<void>,
  ) => {
    const db = t.app.get(DataSource);
    const [before] = await db.query<{ roles: string[]; staff: boolean }[]>(
      'SELECT roles, staff FROM operators WHERE key = $1',
      [key],
    );
    await db.query('UPDATE operators SET roles = $2, staff = $3 WHERE key = $1', [
      key,
      change.roles ?? before!.roles,
      change.staff ?? before!.staff,
    ]);
    try {
      await work();
    } finally {
      await db.query('UPDATE operators SET roles = $2, staff = $3 WHERE key = $1', [key, before!.roles, before!.staff]);
    }
  };
  const rolesOf = async (key: string): Promise<string[]> =>
    (await t.app.get(DataSource).query<{ roles: string[] }[]>('SELECT roles FROM operators WHERE key = $1', [key]))[0]!
      .roles;

  beforeAll(async () => {
    t = await startTestApp();
    c = await setupClinic(t.url);
    await createOperator(t.app, { key: 'cust', password: 'customer-password', staff: false, roles: [] });
    await createOperator(t.app, { key: 'nobody', password: 'nobody-password', staff: true, roles: [] });
    customer = await ApiClient.login(t.url, 'cust', 'customer-password');
    roleless = await ApiClient.login(t.url, 'nobody', 'nobody-password');
    root = await c.fang.client.post<ProcessDto>('/v1/processes', {
      service: 'ke_hu_fu_wu',
      entity: { type: 'Operator', label: '读权限' },
    });
    booking = root.cascade.find((x) => x.service === 'xin_yu_yue')!;
    // Something worth hiding in the booking's form data and snapshots.
    await c.fang.client.post(`/v1/processes/${booking.pid}/start`);
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await t?.close();
  });

  it('staff whose roles allow the service (and the assignee) read the task; a doctor gets 404 as if it did not exist', async () => {
    for (const reader of [c.fang.client, c.jiang.client, c.admin]) {
      expect((await reader.get<ProcessDto>(`/v1/processes/${booking.pid}`)).pid).toBe(booking.pid);
      expect((await reader.get<unknown[]>(`/v1/processes/${booking.pid}/events`)).length).toBeGreaterThan(0);
      await reader.get(`/v1/processes/${booking.pid}/snapshots`);
    }
    const hidden = await problem(c.chen.client.get(`/v1/processes/${booking.pid}`));
    const missing = await problem(c.chen.client.get('/v1/processes/999999999'));
    expect(hidden.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(hidden.problem.title).toBe(missing.problem.title);
    expect((await problem(c.chen.client.get(`/v1/processes/${booking.pid}/events`))).status).toBe(404);
    expect((await problem(c.chen.client.get(`/v1/processes/${booking.pid}/snapshots`))).status).toBe(404);
    expect((await problem(roleless.get(`/v1/processes/${booking.pid}`))).status).toBe(404);
  });

  it('lists filter in SQL: items and total count only readable processes; program instances are visible to staff', async () => {
    const q = `/v1/processes?entityType=Operator&entityId=${root.entity!.id}&pageSize=200`;
    const all = await c.admin.get<{ items: ProcessDto[]; total: number }>(q);
    const forFang = await c.fang.client.get<{ items: ProcessDto[]; total: number }>(q);
    const forChen = await c.chen.client.get<{ items: ProcessDto[]; total: number }>(q);
    expect(all.items.map((p) => p.pid)).toContain(booking.pid);
    expect(forFang.items.map((p) => p.pid)).toContain(booking.pid);
    expect(forChen.items.map((p) => p.pid)).not.toContain(booking.pid);
    expect(forChen.total).toBe(forChen.items.length);
    expect(forChen.total).toBeLessThan(all.total);
    // Whatever the doctor sees here is a program instance or work his roles allow — never reception tasks.
    expect(forChen.items.filter((p) => p.kind !== 'program').map((p) => p.service)).not.toContain('xin_yu_yue');
    const programs = all.items.filter((p) => p.kind === 'program').map((p) => p.pid);
    expect(programs.length).toBeGreaterThan(0);
    expect(forChen.items.filter((p) => p.kind === 'program').map((p) => p.pid)).toEqual(programs);
    // A readable parent lists only the children the reader may see.
    expect(root.kind).toBe('program'); // 客户服务 is composite: its instance is a program
    const asChen = await c.chen.client.get<ProcessWithRelations>(`/v1/processes/${root.pid}`);
    const asAdmin = await c.admin.get<ProcessWithRelations>(`/v1/processes/${root.pid}`);
    expect(asAdmin.children.map((x) => x.pid)).toContain(booking.pid);
    expect(asChen.children.map((x) => x.pid)).not.toContain(booking.pid);
  });

  it('entity task groups show only readable processes', async () => {
    const path = `/v1/entities/Operator/${root.entity!.id}/tasks`;
    const pids = (g: Groups) => [...g.scheduled, ...g.running, ...g.paused, ...g.done].map((p) => p.pid);
    expect(pids(await c.fang.client.get<Groups>(path))).toContain(booking.pid);
    expect(pids(await c.chen.client.get<Groups>(path))).not.toContain(booking.pid);
  });

  it('customers (non-staff) get 403 problems on every process and entity read', async () => {
    for (const path of [
      '/v1/processes',
      `/v1/processes/${booking.pid}`,
      `/v1/processes/${booking.pid}/events`,
      `/v1/processes/${booking.pid}/snapshots`,
      `/v1/entities/Operator/${root.entity!.id}/tasks`,
      '/v1/tasks/mine',
      '/v1/tasks/pool',
    ]) {
      const p = await problem(customer.get(path));
      expect(p.status, path).toBe(403);
      expect(p.problem.type).toBe('urn:opkernel:problem:forbidden');
    }
  });

  it('assignee and creator clauses: each alone makes a task readable', async () => {
    const r = await c.fang.client.post<ProcessDto>('/v1/processes', {
      service: 'ke_hu_fu_wu',
      entity: { type: 'Operator', label: '转交' },
    });
    const task = r.cascade.find((x) => x.service === 'xin_yu_yue')!;
    await c.fang.client.post(`/v1/processes/${task.pid}/transfer`, { operator: c.jiang.key });
    const stored = await c.admin.get<ProcessDto & { creator: string | null }>(`/v1/processes/${task.pid}`);
    expect(stored).toMatchObject({ assignee: c.jiang.key, creator: c.fang.key });
    // Without roles, only "assignee = me" lets jiang read it, only "creator = me" lets fang read it.
    await withOperator(c.jiang.key, { roles: [] }, async () => {
      expect((await c.jiang.client.get<ProcessDto>(`/v1/processes/${task.pid}`)).pid).toBe(task.pid);
    });
    await withOperator(c.fang.key, { roles: [] }, async () => {
      expect((await c.fang.client.get<ProcessDto>(`/v1/processes/${task.pid}`)).pid).toBe(task.pid);
    });
    expect((await problem(roleless.get(`/v1/processes/${task.pid}`))).status).toBe(404);
  });

  it('live: process rooms only for readers of that process; entity rooms for staff; customers only their own room', async () => {
    const chen = await connect(c.chen.client.accessToken);
    const jiang = await connect(c.jiang.client.accessToken);
    const cust = await connect(customer.accessToken);
    expect(await subscribe(chen, `process:${booking.pid}`)).toEqual({ ok: false, error: 'forbidden' });
    expect(await subscribe(jiang, `process:${booking.pid}`)).toEqual({ ok: true });
    expect(await subscribe(chen, `entity:Operator:${root.entity!.id}`)).toEqual({ ok: true });
    expect(await subscribe(chen, 'process:999999999')).toEqual({ ok: false, error: 'forbidden' });
    expect(await subscribe(cust, `entity:Operator:${root.entity!.id}`)).toEqual({ ok: false, error: 'forbidden' });
    expect(await subscribe(cust, `process:${booking.pid}`)).toEqual({ ok: false, error: 'forbidden' });
    expect(await subscribe(cust, 'operator:cust')).toEqual({ ok: true });
  });

  it('live: the operator is reloaded on every subscribe (a revoked role or staff flag applies at once)', async () => {
    const jiang = await connect(c.jiang.client.accessToken);
    const role = (await rolesOf(c.jiang.key))[0]!;
    expect(await subscribe(jiang, `role:${role}`)).toEqual({ ok: true });
    await withOperator(c.jiang.key, { roles: [], staff: false }, async () => {
      expect(await subscribe(jiang, `role:${role}`)).toEqual({ ok: false, error: 'forbidden' });
      expect(await subscribe(jiang, `process:${booking.pid}`)).toEqual({ ok: false, error: 'forbidden' });
      expect(await subscribe(jiang, `entity:Operator:${root.entity!.id}`)).toEqual({ ok: false, error: 'forbidden' });
    });
    expect(await subscribe(jiang, `process:${booking.pid}`)).toEqual({ ok: true });
    // A deleted operator is refused and disconnected.
    await createOperator(t.app, { key: 'temp', password: 'temp-password', staff: true, roles: [] });
    const temp = await connect(await t.login('temp', 'temp-password'));
    await t.app.get(DataSource).query(`DELETE FROM operators WHERE key = 'temp'`);
    const disconnected = new Promise<void>((resolve) => temp.once('disconnect', () => resolve()));
    expect(await subscribe(temp, 'operator:temp')).toEqual({ ok: false, error: 'unauthorized' });
    await disconnected;
  });
});
