import { Client } from 'pg';

/** Counts of SQL statements sent through node-postgres since {@link StatementCounter.reset}. */
export type StatementCounts = {
  total: number;
  /** By statement kind (the first keyword; a `WITH` statement counts as the first data-changing verb in it). */
  byKind: Record<string, number>;
  /** By kind and table, e.g. `SELECT processes`, `INSERT process_events`, `START`, `COMMIT`. */
  byStatement: Record<string, number>;
};

/** One statement as it is handed to `pg.Client.prototype.query`. */
export type ObservedStatement = {
  /** The client (connection) it was sent on. */
  client: Client;
  text: string;
  values: unknown[];
  /** The arguments of the `query` call as given (a text, or a query config object, plus values). */
  args: unknown[];
  kind: string;
  /** `<kind> <table>` (see {@link StatementCounts.byStatement}). */
  label: string;
  /** `performance.now()` when the statement was handed to the driver. */
  sentAt: number;
  /**
   * Settles when the driver answers: `at` = `performance.now()` in the first callback after the answer (before the
   * caller's own continuation), with the result, or the error. Never rejects.
   */
  done: Promise<{ at: number; result?: unknown; error?: unknown }>;
  /**
   * Calls `listener` synchronously when the answer arrives, before anything awaiting the statement resumes (unlike
   * `done`, whose reactions run a microtask later).
   */
  onAnswer(listener: (answer: { at: number; result?: unknown; error?: unknown }) => void): void;
};

/** A listener of every statement (see {@link StatementCounter.observe}). */
export type StatementObserver = (statement: ObservedStatement) => void;

const KIND = /^\s*(\w+)/;
const WITH_VERB = /\b(INSERT|UPDATE|DELETE)\b/i;
const TABLE: Record<string, RegExp> = {
  SELECT: /\bFROM\s+("?[\w.]+"?)/i,
  INSERT: /\bINSERT\s+INTO\s+("?[\w.]+"?)/i,
  UPDATE: /\bUPDATE\s+("?[\w.]+"?)/i,
  DELETE: /\bDELETE\s+FROM\s+("?[\w.]+"?)/i,
};

/** The kind and `<kind> <table>` label of a statement text. */
export function classify(text: string): { kind: string; label: string } {
  let kind = (KIND.exec(text)?.[1] ?? '?').toUpperCase();
  if (kind === 'WITH') kind = (WITH_VERB.exec(text)?.[1] ?? 'SELECT').toUpperCase();
  const table = TABLE[kind]?.exec(text)?.[1]?.replace(/"/g, '');
  if (kind === 'SELECT' && !table) return { kind, label: /nextval\s*\(/i.test(text) ? 'SELECT nextval' : 'SELECT' };
  return { kind, label: table ? `${kind} ${table}` : kind };
}

/**
 * A counting driver hook: wraps `pg.Client.prototype.query` (which TypeORM's pool, raw `pg.Pool`s and the
 * API's own SQL all go through) and counts every statement sent by this Node process, including BEGIN/COMMIT.
 * Install once per benchmark process, before the app opens its connections; `sample()` reads and `reset()`
 * zeroes the counts. Statements whose text matches `ignore` (e.g. a benchmark's own bookkeeping) are not
 * counted. `observe()` adds a listener that sees every statement (counted or not) with the time its answer
 * arrived — e.g. to stamp the moment a `COMMIT` is acknowledged.
 */
export class StatementCounter {
  private counts: StatementCounts = { total: 0, byKind: {}, byStatement: {} };
  private static installed: StatementCounter | null = null;
  private readonly observers = new Set<StatementObserver>();
  /** Only counted while true (e.g. around the measured commands). */
  enabled = true;

  private constructor(private readonly ignore: RegExp | null) {}

  /** Installs the hook (idempotent: a second call returns the first counter). */
  static install(ignore: RegExp | null = null): StatementCounter {
    if (StatementCounter.installed) return StatementCounter.installed;
    const counter = new StatementCounter(ignore);
    const original = Client.prototype.query as (...args: unknown[]) => unknown;
    (Client.prototype as unknown as { query: (...args: unknown[]) => unknown }).query = function (
      this: Client,
      ...args: unknown[]
    ) {
      const first = args[0];
      const text = typeof first === 'string' ? first : (first as { text?: string } | null)?.text;
      if (typeof text !== 'string') return original.apply(this, args);
      const { kind, label } = classify(text);
      counter.note(text, kind, label);
      if (counter.observers.size === 0) return original.apply(this, args);
      const values = (
        Array.isArray(args[1]) ? args[1] : ((first as { values?: unknown[] })?.values ?? [])
      ) as unknown[];
      type Answer = { at: number; result?: unknown; error?: unknown };
      let resolveDone!: (v: Answer) => void;
      const done = new Promise<Answer>((r) => (resolveDone = r));
      const listeners: ((a: Answer) => void)[] = [];
      const settle = (a: Answer) => {
        for (const l of listeners) l(a);
        resolveDone(a);
      };
      // A callback form: wrap the callback so the answer is stamped before the caller sees it.
      const cbIndex = args.findIndex((a, i) => i > 0 && typeof a === 'function');
      if (cbIndex > 0) {
        const cb = args[cbIndex] as (err: unknown, res: unknown) => void;
        args[cbIndex] = (err: unknown, res: unknown) => {
          settle({ at: performance.now(), result: res, error: err ?? undefined });
          cb(err, res);
        };
      }
      const statement: ObservedStatement = {
        client: this,
        text,
        values,
        args: [...args],
        kind,
        label,
        sentAt: performance.now(),
        done,
        onAnswer: (l) => void listeners.push(l),
      };
      for (const o of counter.observers) o(statement);
      const out = original.apply(this, args);
      if (cbIndex < 0) {
        if (out && typeof (out as Promise<unknown>).then === 'function') {
          // Attached before the caller's `await`, so it runs first when the answer arrives.
          (out as Promise<unknown>).then(
            (result) => settle({ at: performance.now(), result }),
            (error: unknown) => settle({ at: performance.now(), error }),
          );
        } else settle({ at: performance.now() }); // a submittable (cursor, stream): not timed
      }
      return out;
    };
    StatementCounter.installed = counter;
    return counter;
  }

  private note(text: string, kind: string, label: string): void {
    if (!this.enabled || (this.ignore && this.ignore.test(text))) return;
    this.counts.total++;
    this.counts.byKind[kind] = (this.counts.byKind[kind] ?? 0) + 1;
    this.counts.byStatement[label] = (this.counts.byStatement[label] ?? 0) + 1;
  }

  /** Adds a listener of every statement sent from now on; returns its removal. */
  observe(observer: StatementObserver): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  /** The counts so far (a copy). */
  sample(): StatementCounts {
    return { total: this.counts.total, byKind: { ...this.counts.byKind }, byStatement: { ...this.counts.byStatement } };
  }

  /** Zeroes the counts. */
  reset(): void {
    this.counts = { total: 0, byKind: {}, byStatement: {} };
  }
}

/**
 * Statements of the outbox relay (claiming, marking and purging `outbox` rows) — background work after a
 * command's commit, told apart from the command's own statements by their text.
 */
export const RELAY_STATEMENT = /SKIP LOCKED|UPDATE\s+outbox\b|DELETE\s+FROM\s+outbox\b/i;

/** A statement's transaction on its connection: the statements of one client from START/BEGIN to COMMIT/ROLLBACK. */
export type RecordedStatement = ObservedStatement & {
  seq: number;
  tx: number | null;
  /** The driver's answer (a `pg` result), once settled. */
  result?: unknown;
  error?: unknown;
};

/**
 * Records the statements sent while `fn` runs (and until the answers settle), with the transaction each
 * belongs to on its connection; transactions (and lone statements) of the outbox relay are dropped when
 * `dropRelay` is set.
 */
export async function recordStatements<T>(
  counter: StatementCounter,
  fn: () => Promise<T>,
  options: { dropRelay?: boolean; settleMs?: number } = {},
): Promise<{ result: T; statements: RecordedStatement[] }> {
  const log: RecordedStatement[] = [];
  const open = new Map<Client, number>();
  let txSeq = 0;
  const stop = counter.observe((s) => {
    let tx = open.get(s.client) ?? null;
    if (/^(START|BEGIN)$/.test(s.kind)) {
      tx = ++txSeq;
      open.set(s.client, tx);
    }
    log.push({ ...s, seq: log.length, tx });
    if (/^(COMMIT|ROLLBACK|END)$/.test(s.kind)) open.delete(s.client);
  });
  let result: T;
  try {
    result = await fn();
    if (options.settleMs) await new Promise((r) => setTimeout(r, options.settleMs));
  } finally {
    stop();
  }
  await Promise.all(
    log.map(async (s) => {
      const { result: r, error } = await s.done;
      s.result = r;
      s.error = error;
    }),
  );
  let statements = log;
  if (options.dropRelay) {
    const relayTx = new Set(log.filter((s) => RELAY_STATEMENT.test(s.text) && s.tx !== null).map((s) => s.tx));
    statements = log.filter((s) => !RELAY_STATEMENT.test(s.text) && !(s.tx !== null && relayTx.has(s.tx)));
  }
  // The end of a transaction that began before the recording is not part of it.
  statements = statements.filter((s) => !(s.tx === null && /^(COMMIT|ROLLBACK|END)$/.test(s.kind)));
  return { result, statements };
}

/**
 * Counts the statements of the outbox relay's transactions (its START … COMMIT around a {@link RELAY_STATEMENT}),
 * so a benchmark can tell the commands' own statements from the relay's.
 */
export function meterRelay(counter: StatementCounter): { count(): number; reset(): void; stop(): void } {
  let n = 0;
  const started = new Set<Client>();
  const relay = new Set<Client>();
  const stop = counter.observe((s) => {
    if (/^(START|BEGIN)$/.test(s.kind)) {
      started.add(s.client);
      relay.delete(s.client);
    } else if (RELAY_STATEMENT.test(s.text)) {
      n++;
      if (started.delete(s.client)) n++; // its START
      relay.add(s.client);
    } else if (/^(COMMIT|ROLLBACK|END)$/.test(s.kind)) {
      started.delete(s.client);
      if (relay.delete(s.client)) n++;
    }
  });
  return { count: () => n, reset: () => (n = 0), stop };
}
