import { createHash } from 'node:crypto';
import { canonicalJson } from '@opkernel/kernel';

/** The content of one audit row that its hash covers. `at` is ISO-8601 with milliseconds. */
export type AuditContent = {
  pid: number;
  actor: string | null;
  /** The actor's kind (operator, integration, scheduler, timer, worker); hashed only when set. */
  actorKind?: string | null;
  action: string;
  fromState: string | null;
  toState: string | null;
  cause: unknown;
  details: unknown;
  at: string;
};

/**
 * The hash of an audit row in its process's chain: SHA-256 (hex) over the RFC 8785 canonical JSON of
 * `{ prev, row }` — the previous row's hash (null for the first row of the chain) and the row's content — so
 * changing, removing or reordering any row breaks every hash after it (a hash chain, as in Haber & Stornetta
 * 1991 and RFC 6962's append-only logs, here per process).
 */
export function auditHash(prev: string | null, row: AuditContent): string {
  // Rows written before actor kinds existed carry none: leaving an unset kind out keeps their hashes valid.
  const { actorKind, ...rest } = row;
  const content = actorKind ? { ...rest, actorKind } : rest;
  return createHash('sha256')
    .update(canonicalJson({ prev, row: content }))
    .digest('hex');
}
