import { Injectable } from '@nestjs/common';
import { auditHash } from './audit-chain';
import { AuditTrailRepository } from './audit-trail.repository';

/** Result of {@link AuditService.verify}: rows checked and the first row whose hash does not match, if any. */
export type AuditVerification = { ok: boolean; rows: number; firstBroken: { pid: number; id: number } | null };

/** Rows read per query while verifying (keyset pagination by (pid, id)). */
const VERIFY_BATCH = 5000;

/**
 * The tamper-evident audit trail: recomputes each process's hash chain ({@link auditHash}) from the stored rows.
 * Rows written before the chain existed (no hash) are accepted only before a chain's first hashed row. The last
 * hash of each chain must equal the head kept on its process row (`processes.audit_head`), so removing rows from
 * the end of a chain is found as well. (An attacker who can rewrite every row and the head consistently is out of
 * reach of any in-database check; anchoring heads elsewhere would be the next step.)
 */
@Injectable()
export class AuditService {
  constructor(private readonly trail: AuditTrailRepository) {}

  /**
   * Verifies every chain, or only process `pid`'s: each row's `prev_hash` must be the hash of the row before it in
   * its process (null for the first), its `hash` the recomputed one, and a chain's last hash its process's head.
   * @returns `{ ok, rows, firstBroken }`; `firstBroken` is the first failing row in (pid, id) order.
   */
  async verify(pid?: number): Promise<AuditVerification> {
    let rows = 0;
    let after: { pid: number; id: number } = { pid: 0, id: 0 };
    let chainPid = -1;
    let prev: string | null = null;
    let hashed = false;
    let end: { at: { pid: number; id: number }; head: string | null } | null = null;
    // The chain's last hash must be the head kept on the process row: rows cut off the end are found too.
    const endIsIntact = () => end === null || !hashed || end.head === prev;
    for (;;) {
      const batch = await this.trail.rowsAfter(after, VERIFY_BATCH, pid);
      for (const r of batch) {
        const at = { pid: r.pid, id: r.id };
        if (at.pid !== chainPid) {
          if (!endIsIntact()) return { ok: false, rows, firstBroken: end!.at };
          chainPid = at.pid;
          prev = null;
          hashed = false;
        }
        rows++;
        end = { at, head: r.auditHead };
        if (r.hash === null && !hashed) continue; // written before the chain existed
        hashed = true;
        const expected = auditHash(prev, {
          pid: at.pid,
          actor: r.actor,
          actorKind: r.actorKind,
          action: r.action,
          fromState: r.fromState,
          toState: r.toState,
          cause: r.cause,
          details: r.details,
          at: r.at.toISOString(),
        });
        if (r.prevHash !== prev || r.hash !== expected) return { ok: false, rows, firstBroken: at };
        prev = r.hash;
      }
      if (batch.length < VERIFY_BATCH) {
        return endIsIntact() ? { ok: true, rows, firstBroken: null } : { ok: false, rows, firstBroken: end!.at };
      }
      const last = batch[batch.length - 1]!;
      after = { pid: last.pid, id: last.id };
    }
  }
}
