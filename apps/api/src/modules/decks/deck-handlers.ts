import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { canonicalJson } from '@opkernel/kernel';

/**
 * What a deck handler gets for one attempt of one route step (reference/decks.md §2.4): the run's input, the previous
 * step's output, all outputs so far, the step's literal config from the design, the 1-based attempt, an idempotency
 * key (the hop's job id: the same on every redelivery of this step), and an abort signal (the per-attempt timeout).
 */
export type DeckContext = {
  input: unknown;
  prev: unknown;
  outputs: unknown[];
  config: Record<string, unknown>;
  attempt: number;
  idempotencyKey: string;
  signal: AbortSignal;
  /** Reports progress; a redelivered attempt reads the last details back as `lastHeartbeat`. */
  heartbeat(details?: unknown): Promise<void>;
  lastHeartbeat: unknown;
};

/** A deck handler: returns the step's output (JSON), or throws ({@link DeckError} to say whether to retry). */
export type DeckHandler = (ctx: DeckContext) => Promise<unknown>;

/** A handler's failure with a stable code; `retryable: false` ends the run at once (no further attempts). */
export class DeckError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly options: { retryable?: boolean } = {},
  ) {
    super(message);
    this.name = 'DeckError';
  }
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(t);
      reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    });
  });

/**
 * The handlers opkernel ships (operations on JSON, for routes and tests):
 * - `ops.echo` — the previous output;
 * - `ops.hash` — `{ digest }`, SHA-256 (hex) of the previous output's canonical JSON (`config.algo`: `sha1` too);
 * - `ops.merge` — every output so far merged into one object (later keys win); a DAG join's first step merges its
 *   dependencies' outputs;
 * - `ops.sleep` — waits `config.ms` (abortable), then echoes;
 * - `ops.fail` — fails its first `config.times` attempts (all when unset) with `config.code`, retryable unless
 *   `config.retryable` is false: a handler to try retries and incidents with.
 */
export const BUILTIN_HANDLERS: Readonly<Record<string, DeckHandler>> = {
  'ops.echo': async (ctx) => ctx.prev,
  'ops.hash': async (ctx) => {
    const algo = ctx.config['algo'] === 'sha1' ? 'sha1' : 'sha256';
    return {
      algo,
      digest: createHash(algo)
        .update(canonicalJson(ctx.prev ?? null))
        .digest('hex'),
    };
  },
  'ops.merge': async (ctx) => {
    // A join node's first step merges its dependencies' outputs (`prev` is them by node key).
    const parts =
      ctx.outputs.length > 0
        ? ctx.outputs
        : typeof ctx.prev === 'object' && ctx.prev !== null && !Array.isArray(ctx.prev)
          ? Object.values(ctx.prev)
          : [ctx.prev];
    return Object.assign({}, ...parts.filter((o): o is object => typeof o === 'object' && o !== null));
  },
  'ops.sleep': async (ctx) => {
    await sleep(Number(ctx.config['ms'] ?? 0), ctx.signal);
    return ctx.prev;
  },
  'ops.fail': async (ctx) => {
    const times = typeof ctx.config['times'] === 'number' ? ctx.config['times'] : Infinity;
    if (ctx.attempt <= times)
      throw new DeckError(String(ctx.config['code'] ?? 'STAGE_FAILED'), `failed on attempt ${ctx.attempt}`, {
        retryable: ctx.config['retryable'] !== false,
      });
    return { attempt: ctx.attempt, prev: ctx.prev };
  },
};

/**
 * The deck handlers this process can run, by name (`ops.hash`): the built-ins plus any registered by the
 * application (e.g. a device driver's `device.command`, or a test's handler). A step naming a handler this
 * process does not have fails with `UNKNOWN_HANDLER` (not retried).
 */
@Injectable()
export class DeckHandlers {
  private readonly handlers = new Map<string, DeckHandler>(Object.entries(BUILTIN_HANDLERS));

  /** Adds or replaces a handler. */
  register(name: string, handler: DeckHandler): void {
    this.handlers.set(name, handler);
  }

  get(name: string): DeckHandler | undefined {
    return this.handlers.get(name);
  }
}
