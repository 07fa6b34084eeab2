import { connectAsync, type MqttClient } from 'mqtt';
import type { Device } from '@opkernel/design';
import {
  deviceTopics,
  parseJson,
  parseStatus,
  type AckMessage,
  type CmdMessage,
  type DeviceTopics,
  type EvtMessage,
} from '../mqtt-topics';
import type { CommandOutcome, DeviceCommandRequest, DeviceDriver, DeviceStatus, DriverListener } from './device-driver';

/** How long `start` waits for the device's retained status before reporting it offline (ms). */
const STATUS_WAIT_MS = 1000;

type Pending = { resolve(o: CommandOutcome): void; reject(e: Error): void };

/**
 * The `mqtt` driver (reference/decks.md §3.2, the `mqtt` package, QoS 1): subscribes to the device's `ack`, `evt`
 * and `status` topics, publishes commands on `cmd`. The device is online while its retained `status` says so (its
 * Last Will says `offline`), while this adapter's own broker link is up, and — with a `heartbeat` in the design —
 * while it was heard from within `offlineAfterMs`. Commands wait for the `done`/`failed` ack of their id
 * (`accepted` keeps waiting); the adapter bounds the wait with the abort signal.
 */
export class MqttDriver implements DeviceDriver {
  private client: MqttClient | null = null;
  private listener: DriverListener | null = null;
  private topics: DeviceTopics | null = null;
  private deviceSays: DeviceStatus = 'offline';
  private linkUp = false;
  private lastSeen = 0;
  /** The design's `heartbeat.offlineAfterMs`, or null: no heartbeat watch. */
  private offlineAfterMs: number | null = null;
  private reported: DeviceStatus = 'offline';
  private readonly pending = new Map<string, Pending>();
  /** Resolves `start`'s wait for the device's retained status. */
  private statusSeen: (() => void) | null = null;
  private watchdog: NodeJS.Timeout | undefined;

  /** @param clientId the broker client id (stable per adapter process and device). */
  constructor(private readonly clientId: string) {}

  /** @throws Error when the device has no `mqtt` connection or the broker refuses the connection */
  async start(device: Device, listener: DriverListener): Promise<void> {
    if (!device.mqtt) throw new Error(`device ${device.key}: driver mqtt needs mqtt {url, site}`);
    this.listener = listener;
    const topics = deviceTopics(device.mqtt.site, device.key);
    this.topics = topics;
    const client = await connectAsync(device.mqtt.url, { clientId: this.clientId, clean: true, reconnectPeriod: 1000 });
    this.client = client;
    client.on('message', (topic, payload) => this.message(topic, payload));
    client.on('connect', () => {
      this.linkUp = true;
      this.report();
    });
    client.on('close', () => {
      this.linkUp = false;
      this.report();
    });
    client.on('error', () => undefined); // reconnects; the close/connect events carry the state
    const firstStatus = new Promise<void>((resolve) => {
      this.statusSeen = resolve;
      setTimeout(resolve, STATUS_WAIT_MS).unref();
    });
    await client.subscribeAsync([topics.ack, topics.evt, topics.status], { qos: 1 });
    this.linkUp = true;
    await firstStatus; // the retained status, so that a starting adapter does not see a live device offline
    const hb = device.heartbeat;
    if (hb) {
      this.watchdog = setInterval(() => this.report(), Math.max(100, Math.floor(hb.offlineAfterMs / 4)));
      this.watchdog.unref();
    }
    this.offlineAfterMs = hb?.offlineAfterMs ?? null;
    this.report();
  }

  private message(topic: string, payload: Buffer): void {
    const t = this.topics!;
    this.lastSeen = Date.now();
    if (topic === t.status) {
      const s = parseStatus(payload);
      if (s) this.deviceSays = s;
      this.statusSeen?.();
    } else if (topic === t.evt) {
      const e = parseJson<EvtMessage>(payload);
      if (e && typeof e.eventId === 'string' && typeof e.type === 'string')
        this.listener?.event({
          eventId: e.eventId,
          type: e.type,
          at: typeof e.at === 'number' ? e.at : Date.now(),
          payload: typeof e.payload === 'object' && e.payload !== null ? e.payload : {},
        });
    } else if (topic === t.ack) {
      const a = parseJson<AckMessage>(payload);
      const waiting = a ? this.pending.get(a.commandId) : undefined;
      if (a && waiting && (a.state === 'done' || a.state === 'failed')) {
        this.pending.delete(a.commandId);
        waiting.resolve({ state: a.state, result: a.result ?? null, executions: a.executions, duplicate: a.duplicate });
      }
    }
    this.report();
  }

  status(): DeviceStatus {
    const heard = this.offlineAfterMs === null || Date.now() - this.lastSeen <= this.offlineAfterMs;
    return this.linkUp && this.deviceSays === 'online' && heard ? 'online' : 'offline';
  }

  /** Tells the listener when the derived status changed. */
  private report(): void {
    const now = this.status();
    if (now === this.reported) return;
    this.reported = now;
    this.listener?.status(now);
  }

  /** @throws Error when not connected; the abort reason when `signal` aborts before the final ack */
  async command(c: DeviceCommandRequest, signal: AbortSignal): Promise<CommandOutcome> {
    if (!this.client || !this.topics) throw new Error('mqtt driver not started');
    signal.throwIfAborted();
    const answer = new Promise<CommandOutcome>((resolve, reject) => {
      this.pending.set(c.commandId, { resolve, reject });
      signal.addEventListener(
        'abort',
        () => {
          this.pending.delete(c.commandId);
          reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
        },
        { once: true },
      );
    });
    const msg: CmdMessage = { ...c, deadlineAt: Date.now() + 60_000 };
    await this.client.publishAsync(this.topics.cmd, JSON.stringify(msg), { qos: 1 });
    return answer;
  }

  async stop(): Promise<void> {
    clearInterval(this.watchdog);
    for (const p of this.pending.values()) p.reject(new Error('driver stopped'));
    this.pending.clear();
    this.listener = null;
    await this.client?.endAsync().catch(() => undefined);
    this.client = null;
  }
}
