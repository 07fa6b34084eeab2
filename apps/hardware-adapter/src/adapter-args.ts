import { parseArgs } from 'node:util';

/** What `npm run hardware-adapter` was asked for. */
export type AdapterArgs = {
  /** Keys of the design's devices to drive here, or null for all of them. */
  devices: string[] | null;
  /** Name in logs and in the pid file (`.data/run/hardware-adapter-<name>.pid`). */
  name: string;
  lockMs: number | null;
  stalledMs: number | null;
};

const positive = (text: string | undefined, what: string): number | null => {
  if (text === undefined) return null;
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${what} must be a positive integer, got "${text}"`);
  return n;
};

/**
 * Parses `--devices ipl-1,hema-1` (repeatable; default: every device of the current design), `--name`,
 * `--lock-ms`, `--stalled-ms` (how fast another adapter takes over the commands of one that died, ms).
 * @throws Error naming the bad argument
 */
export function parseAdapterArgs(argv: string[]): AdapterArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      devices: { type: 'string', multiple: true },
      name: { type: 'string' },
      'lock-ms': { type: 'string' },
      'stalled-ms': { type: 'string' },
    },
    strict: true,
  });
  const keys = (values.devices ?? [])
    .flatMap((v) => v.split(','))
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const k of keys) if (!/^[A-Za-z0-9_.-]+$/.test(k)) throw new Error(`--devices: "${k}" is not a device key`);
  return {
    devices: keys.length > 0 ? keys : null,
    name: values.name ?? `adapter-${process.pid}`,
    lockMs: positive(values['lock-ms'], '--lock-ms'),
    stalledMs: positive(values['stalled-ms'], '--stalled-ms'),
  };
}
