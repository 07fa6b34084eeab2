import { connectAsync } from 'mqtt';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NURSES, QUEUE_BACKENDS, START_INSTRUCTION, startRule } from './utils/automation-design';
import type { EventView, StageRunView } from '@opkernel/contracts';
import type { ApiClient } from '../src/journey/api-client';
import { QueueFactory } from '../src/modules/decks/queue-factory';
import { startAdapter, startSim, simLines, simSay, type Child } from './utils/device-processes';
import { expectEventually } from './utils/expect-eventually';
import { setupNurses } from './utils/scheduler';
import { startTestApp, type TestApp } from './utils/test-app';

const MQTT_URL = process.env.MQTT_URL ?? 'mqtt://127.0.0.1:1883';

/** A route step on the hardware deck: one command to one device. */
const deviceStep = (device: string, command: string) => ({
  deck: 'hardware',
  handler: 'device.command',
  device,
  command,
});

/**
 * Two IPL devices on MQTT: `ipl-1` (idempotent `prepare`) and `ipl-2` (non-idempotent `start_session`, with a
 * heartbeat every 300 ms, offline after 1.5 s without one). A visit
 * starts `prep` (route: prepare on ipl-1), a firing starts `fire` (start_session on ipl-2); an `alarm` from ipl-1
 * starts a review task for the device.
 */
const design = (site: string) => ({
  schemaVersion: 1,
  name: `devices-${site}`,
  entityTypes: [{ key: 'Device', label: 'Device' }],
  decks: [{ key: 'hardware', id: 2, label: 'Hardware', handlers: ['device.command'] }],
  devices: [
    {
      key: 'ipl-1',
      label: 'IPL 1',
      kind: 'treatment_device',
      driver: 'mqtt',
      mqtt: { url: MQTT_URL, site },
      commands: [{ name: 'prepare', idempotent: true, ackTimeoutMs: 5000 }],
      events: [{ type: 'alarm' }, { type: 'session.done', correlationKey: '=payload.commandId' }],
    },
    {
      key: 'ipl-2',
      label: 'IPL 2',
      kind: 'treatment_device',
      driver: 'mqtt',
      mqtt: { url: MQTT_URL, site },
      commands: [{ name: 'start_session', idempotent: false, ackTimeoutMs: 20000 }],
      heartbeat: { everyMs: 300, offlineAfterMs: 1500 },
    },
  ],
  services: [
    { key: 'visit', label: 'Visit', kind: 'manual', manualStart: true, routeTo: 'nurse' },
    { key: 'firing', label: 'Firing', kind: 'manual', manualStart: true, routeTo: 'nurse' },
    { key: 'prep', label: 'Prepare', kind: 'system', automation: { route: [deviceStep('ipl-1', 'prepare'), 0] } },
    { key: 'fire', label: 'Fire', kind: 'system', automation: { route: [deviceStep('ipl-2', 'start_session'), 0] } },
    { key: 'alarm_review', label: 'Alarm review', kind: 'manual', routeTo: 'nurse', entityType: 'Device' },
  ],
  events: [{ key: 'on_new', label: 'new', expression: 'process_state = "NEW"' }],
  instructions: [START_INSTRUCTION],
  rules: [
    startRule('r1', 'visit', 1, 'visit', 'on_new', 'prep'),
    startRule('r2', 'firing', 1, 'firing', 'on_new', 'fire'),
  ],
  eventTriggers: [
    {
      key: 'ipl_alarm',
      source: { device: 'ipl-1' },
      type: 'alarm',
      start: 'alarm_review',
      entity: { type: 'Device', id: '=event.source' },
    },
  ],
  roles: [{ key: 'nurse', label: 'Nurse', services: ['visit', 'firing', 'alarm_review'] }],
  operators: NURSES,
});

type View = { pid: number; service: string; state: string; parentPid: number | null; waitReason: string | null };

describe.each(QUEUE_BACKENDS)('the hardware adapter: devices over MQTT ($name queues)', ({ name, redisUrl }) => {
  /** A site of its own per run and backend, so that retained messages of other runs are never read. */
  const SITE = `t${Date.now().toString(36)}${name.slice(0, 2).toLowerCase()}`;
  let t: TestApp;
  let admin: ApiClient;
  let db: Client;
  let adapter: Child;
  let sim1: Child;
  let sim2: Child;
  const children: Child[] = [];

  beforeAll(async () => {
    t = await startTestApp({ redisUrl });
    ({ admin } = await setupNurses(t, design(SITE)));
    db = new Client({ connectionString: t.db.url });
    await db.connect();
    sim1 = await startSim('ipl-1', SITE, ['--done-event', 'session.done']);
    sim2 = await startSim('ipl-2', SITE, ['--latency', '4000', '--heartbeat-ms', '300']);
    adapter = await startAdapter('a', t.db.url, redisUrl);
    children.push(sim1, sim2, adapter);
  }, 120_000);

  afterAll(async () => {
    for (const c of children) c.proc.kill('SIGKILL');
    await db?.end();
    await t?.close();
    // Clear the retained statuses of this run's devices.
    const mqtt = await connectAsync(MQTT_URL);
    for (const key of ['ipl-1', 'ipl-2'])
      await mqtt.publishAsync(`opk/${SITE}/dev/${key}/status`, '', { qos: 1, retain: true });
    await mqtt.endAsync();
  });

  /** The steps of a journey by service. */
  async function steps(root: number): Promise<Map<string, View>> {
    const page = await admin.get<{ items: View[] }>('/v1/processes?limit=200');
    return new Map(page.items.filter((p) => p.parentPid === root).map((p) => [p.service, p]));
  }

  const start = async (service: string) =>
    (await admin.post<{ pid: number }>('/v1/processes', { service, entity: { type: 'Customer', label: 'x' } })).pid;

  it('a route’s command reaches the device and its ack result is the stage result', async () => {
    const root = await start('visit');
    const prep = await expectEventually(async () => {
      const p = (await steps(root)).get('prep');
      expect(p?.state).toBe('TERMINATED');
      return p!;
    }, 20_000);
    const { run } = await admin.get<{ run: StageRunView }>(`/v1/processes/${prep.pid}/stages`);
    expect(run.status).toBe('succeeded');
    const output = run.output as { commandId: string; device: string; command: string; result: unknown };
    expect(output).toMatchObject({
      device: 'ipl-1',
      command: 'prepare',
      result: { device: 'ipl-1', command: 'prepare', ok: true },
    });
    // The device ran it once, under the hop's id; the ledger says done after one delivery.
    expect(simLines(sim1, 'executed').filter((l) => l['commandId'] === output.commandId)).toHaveLength(1);
    const { rows } = await db.query(
      'SELECT device, name, state, deliveries FROM device_commands WHERE command_id = $1',
      [output.commandId],
    );
    expect(rows).toEqual([{ device: 'ipl-1', name: 'prepare', state: 'done', deliveries: 1 }]);
    // The device then reports the session done; the design's correlation key (=payload.commandId) is evaluated.
    await expectEventually(async () => {
      const events = await admin.get<EventView[]>('/v1/events?limit=100');
      const done = events.find((e) => e.source === 'device:ipl-1' && e.type === 'session.done');
      expect(done).toMatchObject({ correlationKey: output.commandId, payload: { commandId: output.commandId } });
    }, 5_000);
  }, 30_000);

  it('a device event starts its trigger’s task within a second; a duplicate event id starts nothing', async () => {
    const reviews = async () =>
      (await admin.get<{ items: View[] }>('/v1/processes?service=alarm_review&limit=50')).items;
    expect(await reviews()).toHaveLength(0);
    const sent = Date.now();
    simSay(sim1, { emit: 'alarm', eventId: 'alarm-1', payload: { level: 'high' } });
    await expectEventually(async () => expect(await reviews()).toHaveLength(1), 5_000, 20);
    expect(Date.now() - sent).toBeLessThan(1000);
    simSay(sim1, { emit: 'alarm', eventId: 'alarm-1', payload: { level: 'high' } });
    await expectEventually(() =>
      expect(simLines(sim1, 'emitted').filter((l) => l['eventId'] === 'alarm-1')).toHaveLength(2),
    );
    await new Promise((r) => setTimeout(r, 1500));
    expect(await reviews()).toHaveLength(1);
    const events = await admin.get<EventView[]>('/v1/events?limit=100');
    const alarm = events.filter((e) => e.source === 'device:ipl-1' && e.eventId === 'alarm-1');
    expect(alarm).toHaveLength(1);
    expect(alarm[0]!.started.map((s) => s.service)).toEqual(['alarm_review']);
  }, 30_000);

  it('a non-idempotent command whose outcome is unknown after an adapter crash is never sent again', async () => {
    const root = await start('firing');
    // The adapter has written the ledger row `sending` and the device is busy (4 s) when the adapter dies.
    await expectEventually(async () => {
      const { rows } = await db.query(`SELECT state FROM device_commands WHERE device = 'ipl-2'`);
      expect(rows).toEqual([{ state: 'sending' }]);
    }, 20_000);
    await expectEventually(() => expect(simLines(sim2, 'executed')).toHaveLength(1), 5_000);
    adapter.proc.kill('SIGKILL');
    adapter = await startAdapter('b', t.db.url, redisUrl);
    children.push(adapter);
    const fire = await expectEventually(async () => {
      const p = (await steps(root)).get('fire');
      expect(p?.state).toBe('ERROR');
      return p!;
    }, 30_000);
    const detail = await admin.get<View>(`/v1/processes/${fire.pid}`);
    expect(detail.waitReason).toContain('DEVICE_OUTCOME_UNKNOWN');
    // The device ran the command once; nothing was sent again (its ack long in, still one execution).
    await new Promise((r) => setTimeout(r, 5000));
    expect(simLines(sim2, 'executed')).toHaveLength(1);
    const { rows } = await db.query(`SELECT state, deliveries FROM device_commands WHERE device = 'ipl-2'`);
    expect(rows).toEqual([{ state: 'sending', deliveries: 1 }]);
  }, 90_000);

  it('an offline device pauses its queue; its command waits and runs when the device is back', async () => {
    const queue = t.app.get(QueueFactory).queue('hw-ipl-1');
    sim1.proc.kill('SIGKILL'); // the broker publishes its Last Will: offline
    await expectEventually(async () => expect(await queue.isPaused()).toBe(true), 10_000);
    const offline = await expectEventually(async () => {
      const events = await admin.get<EventView[]>('/v1/events?limit=100');
      const e = events.find((x) => x.source === 'device:ipl-1' && x.type === 'device.offline');
      expect(e).toBeDefined();
      return e!;
    }, 10_000);
    expect(offline.payload).toMatchObject({ status: 'offline' });
    const root = await start('visit');
    await expectEventually(async () => expect((await steps(root)).get('prep')?.state).toBe('WAITING'), 10_000);
    await new Promise((r) => setTimeout(r, 2000));
    expect((await steps(root)).get('prep')?.state).toBe('WAITING');
    const counts = await queue.getJobCounts('waiting', 'prioritized');
    expect(counts['waiting']! + counts['prioritized']!).toBe(1);
    // The device comes back: online resumes the queue and the command runs.
    sim1 = await startSim('ipl-1', SITE);
    children.push(sim1);
    await expectEventually(async () => expect((await steps(root)).get('prep')?.state).toBe('TERMINATED'), 20_000);
    expect(await queue.isPaused()).toBe(false);
    expect(simLines(sim1, 'executed')).toHaveLength(1);
  }, 90_000);

  it('a device that stops sending heartbeats (no Last Will: its link stays up) is offline until it speaks again', async () => {
    const queue = t.app.get(QueueFactory).queue('hw-ipl-2');
    expect(await queue.isPaused()).toBe(false);
    sim2.proc.kill('SIGSTOP'); // frozen: the broker keeps its connection, only the heartbeats stop
    try {
      await expectEventually(async () => expect(await queue.isPaused()).toBe(true), 10_000);
      await expectEventually(async () => {
        const events = await admin.get<EventView[]>('/v1/events?limit=100');
        expect(events.some((e) => e.source === 'device:ipl-2' && e.type === 'device.offline')).toBe(true);
      }, 5_000);
    } finally {
      sim2.proc.kill('SIGCONT');
    }
    await expectEventually(async () => expect(await queue.isPaused()).toBe(false), 10_000);
  }, 60_000);
});
