import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { auditHash } from './audit-chain';

/** Result of {@link AuditService.verify}: rows checked and the first row whose hash does not match, if any. */
export type AuditVerification = { ok: boolean; rows: number; firstBroken: { pid: number; id: number } | null };

type EventRow = {
  id: string;
  pid: string;
  actor: string | null;
  actor_kind: string | null;
  action: string;
  from_state: string | null;
  to_state: string | null;
  cause: unknown;
  details: unknown;
  at: Date;
  prev_hash: string | null;
  hash: string | null;
  audit_head: string | null;
};

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
  constructor(private readonly db: DataSource) {}

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
      const batch = await this.db.query<EventRow[]>(
        `SELECT e.id, e.pid, e.actor, e.actor_kind, e.action, e.from_state, e.to_state, e.cause, e.details, e.at, e.prev_hash, e.hash,
                p.audit_head
           FROM process_events e JOIN processes p ON p.pid = e.pid
          WHERE (e.pid, e.id) > ($1, $2) ${pid !== undefined ? 'AND e.pid = $4' : ''}
          ORDER BY e.pid, e.id LIMIT $3`,
        pid !== undefined ? [after.pid, after.id, VERIFY_BATCH, pid] : [after.pid, after.id, VERIFY_BATCH],
      );
      for (const r of batch) {
        const at = { pid: Number(r.pid), id: Number(r.id) };
        if (at.pid !== chainPid) {
          if (!endIsIntact()) return { ok: false, rows, firstBroken: end!.at };
          chainPid = at.pid;
          prev = null;
          hashed = false;
        }
        rows++;
        end = { at, head: r.audit_head };
        if (r.hash === null && !hashed) continue; // written before the chain existed
        hashed = true;
        const expected = auditHash(prev, {
          pid: at.pid,
          actor: r.actor,
          actorKind: r.actor_kind,
          action: r.action,
          fromState: r.from_state,
          toState: r.to_state,
          cause: r.cause,
          details: r.details,
          at: r.at.toISOString(),
        });
        if (r.prev_hash !== prev || r.hash !== expected) return { ok: false, rows, firstBroken: at };
        prev = r.hash;
      }
      if (batch.length < VERIFY_BATCH) {
        return endIsIntact() ? { ok: true, rows, firstBroken: null } : { ok: false, rows, firstBroken: end!.at };
      }
      const last = batch[batch.length - 1]!;
      after = { pid: Number(last.pid), id: Number(last.id) };
    }
  }
}
