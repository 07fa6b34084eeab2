import { createHash } from 'node:crypto';
import { DesignDocument } from '../model';

function normalise(value: unknown, seen: Set<object>): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'bigint' || typeof value === 'function' || typeof value === 'symbol') {
    throw new TypeError(`canonicalJson: a ${typeof value} cannot be represented in JSON`);
  }
  if (value === undefined) return undefined;
  const obj = value as { toJSON?: () => unknown };
  if (typeof obj.toJSON === 'function') return normalise(obj.toJSON(), seen);
  if (seen.has(value as object)) throw new TypeError('canonicalJson: circular structure');
  seen.add(value as object);
  try {
    if (Array.isArray(value)) return value.map((item) => normalise(item, seen) ?? null);
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value as object).sort()) {
      const item = normalise((value as Record<string, unknown>)[key], seen);
      if (item !== undefined) Object.defineProperty(out, key, { value: item, enumerable: true, writable: true });
    }
    return out;
  } finally {
    seen.delete(value as object);
  }
}

/**
 * Canonical JSON: object keys sorted (by UTF-16 code units, `Array.prototype.sort` default), no whitespace,
 * `undefined` members dropped (in arrays → `null`), non-finite numbers → `null`, `toJSON()` honoured.
 * Two structurally equal values give the same string regardless of key insertion order.
 *
 * @param value any JSON-like value.
 * @returns the canonical JSON text, e.g. `canonicalJson({ b: 1, a: [true] })` → `{"a":[true],"b":1}`.
 * @throws {TypeError} for bigint/function/symbol values and circular structures.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(normalise(value, new Set())) ?? 'null';
}

/**
 * Content hash of a design document: the SHA-256 (hex, 64 characters) of {@link canonicalJson}(doc),
 * computed with node:crypto. Equal documents (after defaults are applied) have equal hashes.
 *
 * @param doc a parsed design document.
 * @returns lowercase hex digest.
 */
export function designHash(doc: DesignDocument): string {
  return createHash('sha256').update(canonicalJson(doc), 'utf8').digest('hex');
}
