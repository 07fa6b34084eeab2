import { parseArgs } from 'node:util';

/** A deck this worker runs, with its concurrency (jobs at once). */
export type WorkerDeck = { key: string; id: number; concurrency: number };

/** What `npm run worker` was asked for. */
export type WorkerArgs = {
  decks: WorkerDeck[];
  /** Name in logs and in the pid file (`.data/run/worker-<name>.pid`). */
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
 * Parses `--decks ops:16,storage` (deck keys, each with an optional concurrency, default 4), `--name`,
 * `--lock-ms`, `--stalled-ms`.
 * @throws Error naming the bad argument
 */
export function parseWorkerArgs(argv: string[]): WorkerArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      decks: { type: 'string' },
      name: { type: 'string' },
      'lock-ms': { type: 'string' },
      'stalled-ms': { type: 'string' },
    },
    strict: true,
  });
  const list = (values.decks ?? '').split(',').filter((s) => s.trim() !== '');
  if (list.length === 0) throw new Error('--decks is required, e.g. --decks ops:16,storage');
  const decks = list.map((item, i) => {
    const [key, c] = item.trim().split(':');
    if (!key || !/^[A-Za-z0-9_.-]+$/.test(key)) throw new Error(`--decks: "${item}" is not a deck key`);
    return { key, id: i + 1, concurrency: positive(c, `--decks ${key} concurrency`) ?? 4 };
  });
  return {
    decks,
    name: values.name ?? `${decks.map((d) => d.key).join('+')}-${process.pid}`,
    lockMs: positive(values['lock-ms'], '--lock-ms'),
    stalledMs: positive(values['stalled-ms'], '--stalled-ms'),
  };
}
