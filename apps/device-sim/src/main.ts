/**
 * `npm run device-sim -- --device ipl-1 --site clinic1 [--latency 300] [--no-dedupe] [--done-event session.done]`:
 * a simulated treatment device or analyser on MQTT (reference/decks.md §3.1), in a process of its own so that an
 * adapter crash keeps the device's state. It publishes the retained `status` `online` (its Last Will: `offline`),
 * answers each `cmd` with `ack` `accepted` then `done` (deduplicating command ids, replaying the last 1,000 answers,
 * unless `--no-dedupe`), and emits events. It writes one JSON line per happening on stdout (`ready`, `executed`
 * with the command's execution count, `emitted`, `stats`) and reads JSON lines on stdin:
 * `{"emit": "alarm", "eventId"?: "…", "payload"?: {…}}` publishes an event, `{"stats": true}` prints the counts.
 * SIGTERM closes it cleanly (status `offline`); `kill -9` leaves the broker to publish the Last Will.
 */
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { connectAsync } from 'mqtt';
import { SimulatedDevice } from '../../hardware-adapter/src/drivers/simulated-device';
import {
  deviceTopics,
  parseJson,
  type AckMessage,
  type CmdMessage,
  type EvtMessage,
} from '../../hardware-adapter/src/mqtt-topics';
import { parseSimArgs } from './sim-args';

const say = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(line)}\n`);

async function main(): Promise<void> {
  const args = parseSimArgs(process.argv.slice(2));
  const topics = deviceTopics(args.site, args.device);
  const sim = new SimulatedDevice(args.device, { latencyMs: args.latencyMs, dedupe: args.dedupe });
  const client = await connectAsync(args.url, {
    clientId: `opk-sim-${args.site}-${args.device}`,
    clean: true,
    reconnectPeriod: 1000,
    will: { topic: topics.status, payload: Buffer.from('offline'), qos: 1, retain: true },
  });
  const publish = (topic: string, body: unknown, retain = false) =>
    client.publishAsync(topic, typeof body === 'string' ? body : JSON.stringify(body), { qos: 1, retain });
  const emit = async (type: string, payload: Record<string, unknown>, eventId: string = randomUUID()) => {
    const e: EvtMessage = { eventId, type, at: Date.now(), payload };
    await publish(topics.evt, e);
    say({ sim: 'emitted', eventId, type });
  };

  client.on('message', (topic, payload) => {
    if (topic !== topics.cmd) return;
    const cmd = parseJson<CmdMessage>(payload);
    if (!cmd || typeof cmd.commandId !== 'string' || typeof cmd.name !== 'string') return;
    void (async () => {
      const ack = (a: Omit<AckMessage, 'commandId'>) => publish(topics.ack, { commandId: cmd.commandId, ...a });
      const answer = await sim.handle({ commandId: cmd.commandId, name: cmd.name, params: cmd.params ?? {} }, (n) => {
        say({ sim: 'executed', commandId: cmd.commandId, name: cmd.name, executions: n, executed: sim.executed });
        void ack({ state: 'accepted', result: null, executions: n, duplicate: false });
      });
      await ack({
        state: answer.state,
        result: answer.result,
        executions: answer.executions,
        duplicate: answer.duplicate,
      });
      if (args.doneEvent && !answer.duplicate)
        await emit(args.doneEvent, { commandId: cmd.commandId, command: cmd.name, result: answer.result });
    })().catch((e: unknown) => process.stderr.write(`device-sim: ${e instanceof Error ? e.message : String(e)}\n`));
  });
  await client.subscribeAsync(topics.cmd, { qos: 1 });
  await publish(topics.status, 'online', true);
  const heartbeat = args.heartbeatMs
    ? setInterval(() => void publish(topics.status, 'online', true), args.heartbeatMs)
    : null;
  say({ sim: 'ready', device: args.device, site: args.site, dedupe: args.dedupe, latencyMs: args.latencyMs });

  createInterface({ input: process.stdin }).on('line', (line) => {
    const msg = parseJson<{ emit?: unknown; eventId?: unknown; payload?: unknown; stats?: unknown }>(Buffer.from(line));
    if (!msg) return;
    if (typeof msg.emit === 'string') {
      const payload =
        typeof msg.payload === 'object' && msg.payload !== null ? (msg.payload as Record<string, unknown>) : {};
      void emit(msg.emit, payload, typeof msg.eventId === 'string' ? msg.eventId : undefined);
    }
    if (msg.stats) say({ sim: 'stats', executed: sim.executed });
  });

  const close = async () => {
    if (heartbeat) clearInterval(heartbeat);
    await publish(topics.status, 'offline', true).catch(() => undefined);
    await client.endAsync().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGTERM', () => void close());
  process.on('SIGINT', () => void close());
}

main().catch((e: unknown) => {
  process.stderr.write(`device-sim failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
