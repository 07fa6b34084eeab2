/** What the B2 pipeline bench drives: one system that takes a request and reports when its result is pushed. */

/** Bytes of the user payload every system carries end to end (reference/decks.md §5: 200 B). */
export const PAYLOAD_BYTES = 200;

/** A payload of about {@link PAYLOAD_BYTES} of JSON: `{ seq, data }`. */
export const payloadOf = (seq: number): { seq: number; data: string } => ({
  seq,
  data: 'x'.repeat(PAYLOAD_BYTES - 20 - String(seq).length),
});

/** One system under test. */
export type PipelineSystem = {
  /** `ours`, `chain` or `contract`. */
  name: string;
  /**
   * Sends request `seq` (t0 is the caller's) and resolves with `performance.now()` at t1, the moment its result
   * arrives (a socket push, or the chain's last worker).
   * @throws Error when it fails or takes longer than `timeoutMs`
   */
  once(seq: number, timeoutMs: number): Promise<number>;
  /** Requests sent whose result has not arrived yet (including those whose waiter timed out). */
  inFlight(): number;
  /** ms from send to the HTTP answer of each request since the last call (empty for the chain), then cleared. */
  takeAnswers(): number[];
  close(): Promise<void>;
};

/** Arrival stamps by key, first arrival only, with waiters (arrivals may come before anyone waits). */
export class Arrivals<K> {
  private readonly at = new Map<K, number>();
  private readonly waiters = new Map<K, () => void>();
  private readonly seen = new Set<K>();
  /** Keys expected (see {@link expect}) that have not arrived yet. */
  outstanding = 0;

  /** Counts `key` as on its way (a result will be noted for it). */
  expect(): void {
    this.outstanding++;
  }

  /** Stamps `key` now (the first time only) and wakes its waiter. */
  note(key: K): void {
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.outstanding--;
    this.at.set(key, performance.now());
    this.waiters.get(key)?.();
  }

  /**
   * The arrival time of `key` (`performance.now()`), waiting for it; forgets it afterwards.
   * @throws Error after `timeoutMs` ms
   */
  async wait(key: K, timeoutMs: number): Promise<number> {
    if (!this.at.has(key))
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => {
          this.waiters.delete(key);
          reject(new Error(`no result for ${String(key)} within ${timeoutMs} ms`));
        }, timeoutMs);
        this.waiters.set(key, () => {
          clearTimeout(t);
          this.waiters.delete(key);
          resolve();
        });
      });
    const at = this.at.get(key)!;
    this.at.delete(key);
    return at;
  }
}
