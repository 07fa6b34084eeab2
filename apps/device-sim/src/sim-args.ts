import { parseArgs } from 'node:util';

/** What `npm run device-sim` was asked for. */
export type SimArgs = {
  device: string;
  site: string;
  /** Broker URL; default `mqtt://127.0.0.1:1883` (or `MQTT_URL`). */
  url: string;
  /** Delay of every command before its ack, ms. */
  latencyMs: number;
  /** Whether repeated command ids are answered from memory instead of being run again. */
  dedupe: boolean;
  /** An event type emitted after each command is done (with the commandId in its payload), or null. */
  doneEvent: string | null;
  /** How often the retained `status` online is published again (the heartbeat), ms; null: once. */
  heartbeatMs: number | null;
};

const nonNegative = (text: string | undefined, what: string): number | null => {
  if (text === undefined) return null;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${what} must be a non-negative integer, got "${text}"`);
  return n;
};

/**
 * Parses `--device ipl-1 --site clinic1 [--url mqtt://…] [--latency 300] [--no-dedupe] [--done-event session.done]
 * [--heartbeat-ms 5000]`.
 * @throws Error naming the bad or missing argument
 */
export function parseSimArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): SimArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      device: { type: 'string' },
      site: { type: 'string' },
      url: { type: 'string' },
      latency: { type: 'string' },
      'no-dedupe': { type: 'boolean' },
      'done-event': { type: 'string' },
      'heartbeat-ms': { type: 'string' },
    },
    strict: true,
  });
  const key = /^[A-Za-z0-9_.-]+$/;
  if (!values.device || !key.test(values.device)) throw new Error('--device <key> is required, e.g. --device ipl-1');
  if (!values.site || !key.test(values.site)) throw new Error('--site <site> is required, e.g. --site clinic1');
  const heartbeat = nonNegative(values['heartbeat-ms'], '--heartbeat-ms');
  return {
    device: values.device,
    site: values.site,
    url: values.url ?? env['MQTT_URL'] ?? 'mqtt://127.0.0.1:1883',
    latencyMs: nonNegative(values.latency, '--latency') ?? 0,
    dedupe: values['no-dedupe'] !== true,
    doneEvent: values['done-event'] ?? null,
    heartbeatMs: heartbeat && heartbeat > 0 ? heartbeat : null,
  };
}
