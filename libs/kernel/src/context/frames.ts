import { createHash } from 'node:crypto';
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

/** JSON with object keys sorted at every level: the canonical form that snapshot hashes are taken over. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** SHA-256 (hex, 64 chars) over the canonical JSON of a frame's content. A snapshot is written only when it changes. */
export function frameHash(frame: ContextFrame): string {
  return createHash('sha256').update(canonicalJson(frame)).digest('hex');
}
