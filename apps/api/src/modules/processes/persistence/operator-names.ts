import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** How long an operator's display name is reused, ms (names change only when a design import renames staff). */
export const OPERATOR_NAME_CACHE_MS = 30_000;
const MAX_ENTRIES = 10_000;

/**
 * Operators' display names (their `label`) by key, for answers built without a list query's join: command
 * answers, get-next and live pushes. Misses are read in one statement per call; entries live
 * {@link OPERATOR_NAME_CACHE_MS}. A key with no operator row (or an empty label) is shown as itself.
 */
@Injectable()
export class OperatorNames {
  private readonly cache = new Map<string, { name: string; until: number }>();

  constructor(private readonly db: DataSource) {}

  /** The names of `keys` (nulls skipped), key → name. */
  async of(keys: Iterable<string | null | undefined>, now = Date.now()): Promise<Map<string, string>> {
    const names = new Map<string, string>();
    const missing = new Set<string>();
    for (const key of keys) {
      if (!key || names.has(key)) continue;
      const hit = this.cache.get(key);
      if (hit && hit.until > now) names.set(key, hit.name);
      else missing.add(key);
    }
    if (missing.size === 0) return names;
    const rows = await this.db.query<{ key: string; label: string | null }[]>(
      'SELECT key, label FROM operators WHERE key = ANY($1::text[])',
      [[...missing]],
    );
    const found = new Map(rows.map((r) => [r.key, r.label || r.key]));
    if (this.cache.size + missing.size > MAX_ENTRIES) this.cache.clear();
    for (const key of missing) {
      const name = found.get(key) ?? key;
      names.set(key, name);
      this.cache.set(key, { name, until: now + OPERATOR_NAME_CACHE_MS });
    }
    return names;
  }
}
