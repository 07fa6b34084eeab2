import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { DesignDocument } from '../model';

/** @throws {TypeError} when `value` contains itself (the canonicaliser would recurse forever). */
function assertAcyclic(value: unknown, path: Set<object> = new Set()): void {
  if (value === null || typeof value !== 'object') return;
  if (path.has(value)) throw new TypeError('canonicalJson: circular structure');
  path.add(value);
  for (const child of Object.values(value)) assertAcyclic(child, path);
  path.delete(value);
}

/**
 * Canonical JSON — RFC 8785 (JSON Canonicalization Scheme) through the `canonicalize` library, the same one the
 * kernel uses for context snapshots and the audit hash chain: object keys sorted by UTF-16 code units, no
 * whitespace, `undefined` members dropped (in arrays → `null`), `toJSON()` honoured. Two structurally equal values
 * give the same string regardless of key insertion order.
 *
 * @param value any JSON-like value.
 * @returns the canonical JSON text, e.g. `canonicalJson({ b: 1, a: [true] })` → `{"a":[true],"b":1}`.
 * @throws {TypeError} for bigint values and circular structures; Error for NaN and infinite numbers.
 */
export function canonicalJson(value: unknown): string {
  assertAcyclic(value);
  return canonicalize(value ?? null) ?? 'null';
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
