import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import { createApp, type CreatedApp } from '../src/bootstrap/create-app';
import { OutboxRelay } from '../src/infra/outbox/outbox-relay.service';
import { setupClinic, type ProcessDto } from './utils/clinic';
import { startTestApp, type TestApp } from './utils/test-app';

/**
 * Several API replicas on Redis: replica B's relay is stopped, so a change committed on replica A can reach
 * a client connected to B only through the socket.io Redis adapter. Runs where REDIS_URL is set (CI sets it).
 */
describe.runIf(process.env.REDIS_URL)('live updates across API replicas (real PostgreSQL + Redis)', () => {
  let a: TestApp;
  let b: CreatedApp;
  let socket: Socket | null = null;
  beforeAll(async () => {
    a = await startTestApp();
    b = await createApp({ databaseUrl: a.db.url, port: 0, seed: false });
    await b.app.get(OutboxRelay).onModuleDestroy();
  });
  afterAll(async () => {
    socket?.close();
    await b?.close();
    await a?.close();
  });

  it('delivers a change relayed by replica A to a client of replica B', async () => {
    const c = await setupClinic(a.url);
    socket = io(`${b.url}/live`, {
      auth: { token: c.fang.client.accessToken },
      transports: ['websocket'],
      reconnection: false,
    });
    const seen: { pid: number; service: string }[] = [];
    socket.on('task.changed', (ch: { pid: number; service: string }) => seen.push(ch));
    await new Promise<void>((resolve, reject) => {
      socket!.once('connect', () => resolve());
      socket!.once('connect_error', reject);
    });
    const root = await c.fang.client.post<ProcessDto>('/v1/processes', {
      service: 'ke_hu_fu_wu',
      entity: { type: 'Operator', label: '多副本' },
    });
    const booking = root.cascade.find((x) => x.service === 'xin_yu_yue')!;
    const end = Date.now() + 5000;
    while (!seen.some((e) => e.pid === booking.pid) && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    expect(seen.map((e) => e.pid)).toContain(booking.pid);
  });
});
