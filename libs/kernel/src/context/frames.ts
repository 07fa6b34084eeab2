import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { ContextFrame } from './frame';

/** A new frame for `pid`. `parent` is the caller's frame (the program instance), whose visible variables are inherited. */
export function newFrame(
  pid: number,
  parent: ContextFrame | null,
  localVars: Record<string, unknown> = {},
): ContextFrame {
  return {
    pid,
    stack: parent ? [...parent.stack, pid] : [pid],
    localVars: { ...localVars },
    inherited: parent ? visibleVars(parent) : {},
    returnValue: null,
    errorInfo: null,
    firedRules: [],
  };
}

/** The variables a frame sees: inherited ∪ local, local winning (reference §4.3). */
export function visibleVars(frame: ContextFrame): Record<string, unknown> {
  return { ...frame.inherited, ...frame.localVars };
}

/**
 * The canonical JSON of `value` — RFC 8785 (JSON Canonicalization Scheme: keys sorted by UTF-16 code units at
 * every level, ECMAScript number and string serialisation), through the `canonicalize` library — the one form
 * that snapshot hashes and the audit hash chain are taken over. `undefined` members are left out (as JSON does).
 * @throws Error for NaN or an infinite number (not representable in JSON)
 */
export function canonicalJson(value: unknown): string {
  return canonicalize(value ?? null) ?? 'null';
}

/** SHA-256 (hex, 64 chars) over the canonical JSON of a frame's content. A snapshot is written only when it changes. */
export function frameHash(frame: ContextFrame): string {
  return createHash('sha256').update(canonicalJson(frame)).digest('hex');
}
