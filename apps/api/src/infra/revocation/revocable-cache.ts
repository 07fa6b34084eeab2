/**
 * A short-lived cache of values about operators that a token revocation makes stale (roles, lock, token version):
 * each entry lives `ttlMs`; {@link evict} drops entries at once; a read that started before an eviction is
 * answered but not kept (it may predate the revocation). Bounded: past `maxEntries` it starts over.
 */
export class RevocableCache<K, V> {
  private readonly entries = new Map<K, { value: V; until: number }>();
  /** Bumped by every eviction. */
  private generation = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
  ) {}

  /** The cached value of `key`, else `load()`'s (kept unless an eviction happened meanwhile). */
  async get(key: K, load: () => Promise<V>, now = Date.now()): Promise<V> {
    const hit = this.entries.get(key);
    if (hit && hit.until > now) return hit.value;
    return this.refresh(key, load, now);
  }

  /** `load()`'s value, kept for `key` unless an eviction happened while it ran. */
  async refresh(key: K, load: () => Promise<V>, now = Date.now()): Promise<V> {
    const generation = this.generation;
    const value = await load();
    if (generation !== this.generation) return value;
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(key, { value, until: now + this.ttlMs });
    return value;
  }

  /** Drops every entry `stale` accepts (keys and values), and keeps no read that is under way. */
  evict(stale: (key: K, value: V) => boolean): void {
    this.generation++;
    for (const [key, entry] of this.entries) if (stale(key, entry.value)) this.entries.delete(key);
  }
}
