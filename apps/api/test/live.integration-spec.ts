import { DataSource } from 'typeorm';
import { io, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OutboxRelay } from '../src/infra/outbox/outbox-relay.service';
import type { LiveAck, LiveTaskChange } from '../src/modules/live/live-events.type';
import type { ProcessChange, ProcessKind, ProcessState } from '@opkernel/kernel';
import { roomsForProcessChange } from '../src/modules/live/rooms';
import { expectEventually } from './utils/expect-eventually';
import { createOperator } from './utils/factories';
import { startTestApp, TEST_ADMIN_PASSWORD, type TestApp } from './utils/test-app';

const change = (overrides: Partial<LiveTaskChange> = {}): LiveTaskChange => ({
  pid: 42,
  version: 3,
  service: 'check_in',
  serviceLabel: '到诊确认',
  state: 'READY',
  fromState: 'NEW',
  assignee: 'wang_wu',
  assigneeName: '王五',
  candidateRoles: ['hu_shi'],
  entity: { type: 'Operator', id: 'zhang_san', label: '张三' },
  kind: 'task',
  priority: 0,
  scheduledAt: null,
  deadline: null,
  urgency: 0,
  waitReason: null,
  waitUntil: null,
  sla: null,
  at: 1_700_000_000_000,
  ...overrides,
});

/** The kernel change record behind a live payload (a created process: no previous audience). */
const asProcessChange = (c: LiveTaskChange, previous: Partial<ProcessChange> = {}): ProcessChange => ({
  pid: c.pid,
  version: c.version,
  service: c.service,
  kind: c.kind as ProcessKind,
  state: c.state as ProcessState,
  fromState: null,
  assignee: c.assignee,
  candidateRoles: c.candidateRoles,
  previousAssignee: null,
  previousCandidateRoles: [],
  entity: c.entity && { type: c.entity.type, id: c.entity.id },
  priority: c.priority,
  designVersion: 1,
  creator: null,
  scheduledAt: null,
  deadline: null,
  at: c.at,
  ...previous,
});
const roomsForChange = (c: LiveTaskChange): string[] => roomsForProcessChange(asProcessChange(c));

describe('live channel (/live) and the outbox relay', () => {
  let t: TestApp;
  let staffToken: string;
  let customerToken: string;
  let adminToken: string;
  const sockets: Socket[] = [];

  /** Connects to /live; resolves once connected, rejects with the connect_error message. */
  const connect = (auth: Record<string, unknown> | undefined, extraHeaders?: Record<string, string>): Promise<Socket> =>
    new Promise((resolve, reject) => {
      const socket = io(`${t.url}/live`, {
        auth,
        extraHeaders,
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
      });
      sockets.push(socket);
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', (error) => reject(error));
    });

  const subscribe = (socket: Socket, room: string): Promise<LiveAck> =>
    socket.timeout(5000).emitWithAck('subscribe', { room });

  const insertOutbox = (rooms: string[], payload: LiveTaskChange): Promise<unknown> =>
    t.app
      .get(DataSource)
      .query(`INSERT INTO outbox (topic, payload) VALUES ('task.changed', $1)`, [
        JSON.stringify({ rooms, change: payload }),
      ]);

  beforeAll(async () => {
    t = await startTestApp();
    await createOperator(t.app, { key: 'wang_wu', password: 'wang-wu-password', roles: ['hu_shi'], staff: true });
    await createOperator(t.app, { key: 'customer', password: 'customer-password', staff: false });
    staffToken = await t.login('wang_wu', 'wang-wu-password');
    customerToken = await t.login('customer', 'customer-password');
    adminToken = await t.login('admin', TEST_ADMIN_PASSWORD);
  });
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.disconnect();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('accepts a valid token (auth.token or Authorization header) and refuses none or a bad one', async () => {
    await expect(connect({ token: staffToken })).resolves.toBeDefined();
    await expect(connect(undefined, { Authorization: `Bearer ${staffToken}` })).resolves.toBeDefined();
    await expect(connect(undefined)).rejects.toThrow('unauthorized');
    await expect(connect({ token: 'not-a-token' })).rejects.toThrow('unauthorized');
  });

  it('lets staff subscribe to entity rooms, but not to another operator’s or role’s room', async () => {
    const socket = await connect({ token: staffToken });
    expect(await subscribe(socket, 'entity:Operator:zhang_san')).toEqual({ ok: true });
    // A process room needs a process the operator may read (see read-policy.integration-spec.ts).
    expect(await subscribe(socket, 'process:42')).toEqual({ ok: false, error: 'forbidden' });
    expect(await subscribe(socket, 'operator:wang_wu')).toEqual({ ok: true });
    expect(await subscribe(socket, 'role:hu_shi')).toEqual({ ok: true });
    expect(await subscribe(socket, 'operator:admin')).toEqual({ ok: false, error: 'forbidden' });
    expect(await subscribe(socket, 'role:guan_li_yuan')).toEqual({ ok: false, error: 'forbidden' });
    expect(await subscribe(socket, 'monitor')).toEqual({ ok: false, error: 'forbidden' });
    expect((await subscribe(socket, 'nonsense')).ok).toBe(false);
    expect(await socket.timeout(5000).emitWithAck('unsubscribe', { room: 'process:42' })).toEqual({ ok: true });
  });

  it('refuses entity rooms to non-staff operators', async () => {
    const socket = await connect({ token: customerToken });
    expect(await subscribe(socket, 'entity:Operator:zhang_san')).toEqual({ ok: false, error: 'forbidden' });
  });

  it('delivers a committed task.changed outbox row to operator:<key> after kick() and marks it dispatched', async () => {
    const socket = await connect({ token: staffToken });
    const received: LiveTaskChange[] = [];
    socket.on('task.changed', (payload: LiveTaskChange) => received.push(payload));
    await subscribe(socket, 'entity:Operator:zhang_san'); // second matching room: still delivered once

    const payload = change({ pid: 1001 });
    await insertOutbox(roomsForChange(payload), payload);
    t.app.get(OutboxRelay).kick();

    await expectEventually(() => expect(received).toEqual([payload]));
    const rows = (await t.app
      .get(DataSource)
      .query(`SELECT dispatched_at, attempts FROM outbox WHERE payload->'change'->>'pid' = '1001'`)) as {
      dispatched_at: Date | null;
      attempts: number;
    }[];
    expect(rows).toHaveLength(1);
    expect(rows[0].dispatched_at).toBeInstanceOf(Date);
    expect(rows[0].attempts).toBe(1);
  });

  it('reaches administrators through the monitor room, and only the rooms named', async () => {
    const admin = await connect({ token: adminToken });
    const staff = await connect({ token: staffToken });
    const toAdmin: LiveTaskChange[] = [];
    const toStaff: LiveTaskChange[] = [];
    admin.on('task.changed', (p: LiveTaskChange) => toAdmin.push(p));
    staff.on('task.changed', (p: LiveTaskChange) => toStaff.push(p));

    const payload = change({ pid: 1002, assignee: 'someone_else', candidateRoles: [], entity: null });
    await insertOutbox(roomsForChange(payload), payload);
    t.app.get(OutboxRelay).kick();

    await expectEventually(() => expect(toAdmin).toEqual([payload]));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(toStaff).toEqual([]);
  });

  it('delivers nothing for a row inserted in a transaction that is rolled back', async () => {
    const socket = await connect({ token: staffToken });
    const received: LiveTaskChange[] = [];
    socket.on('task.changed', (p: LiveTaskChange) => received.push(p));

    const payload = change({ pid: 1003 });
    const runner = t.app.get(DataSource).createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    try {
      await runner.query(`INSERT INTO outbox (topic, payload) VALUES ('task.changed', $1)`, [
        JSON.stringify({ rooms: roomsForChange(payload), change: payload }),
      ]);
      t.app.get(OutboxRelay).kick();
      await new Promise((resolve) => setTimeout(resolve, 300)); // the relay cannot see it yet
      await runner.rollbackTransaction();
    } finally {
      await runner.release();
    }
    t.app.get(OutboxRelay).kick();
    await new Promise((resolve) => setTimeout(resolve, 1200)); // more than two poll periods
    expect(received).toEqual([]);
    const rows = (await t.app
      .get(DataSource)
      .query(`SELECT 1 FROM outbox WHERE payload->'change'->>'pid' = '1003'`)) as unknown[];
    expect(rows).toHaveLength(0);
  });

  it('the poll loop delivers rows even without kick()', async () => {
    const socket = await connect({ token: staffToken });
    const received: LiveTaskChange[] = [];
    socket.on('task.changed', (p: LiveTaskChange) => received.push(p));
    const payload = change({ pid: 1004 });
    await insertOutbox(roomsForChange(payload), payload);
    await expectEventually(() => expect(received).toEqual([payload]), 3000);
  });

  it('roomsForProcessChange: process, monitor and entity rooms; assignee else candidate roles, before and after', () => {
    expect(roomsForChange(change())).toEqual([
      'process:42',
      'monitor',
      'entity:Operator:zhang_san',
      'operator:wang_wu',
    ]);
    expect(roomsForChange(change({ assignee: null, candidateRoles: ['hu_shi', 'yi_sheng'], entity: null }))).toEqual([
      'process:42',
      'monitor',
      'role:hu_shi',
      'role:yi_sheng',
    ]);
    // A claim: the task leaves the pool (old audience) and reaches the claimer.
    const claimed = asProcessChange(change({ entity: null }), {
      fromState: 'READY',
      previousAssignee: null,
      previousCandidateRoles: ['hu_shi'],
    });
    expect(roomsForProcessChange(claimed)).toEqual(['process:42', 'monitor', 'operator:wang_wu', 'role:hu_shi']);
  });
});
