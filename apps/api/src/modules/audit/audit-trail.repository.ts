import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** One stored audit row with its chain fields and its process's chain head. */
export type StoredAuditRow = {
  id: number;
  pid: number;
  actor: string | null;
  actorKind: string | null;
  action: string;
  fromState: string | null;
  toState: string | null;
  cause: unknown;
  details: unknown;
  at: Date;
  prevHash: string | null;
  hash: string | null;
  /** `processes.audit_head` of the row's process. */
  auditHead: string | null;
};

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

/**
 * Reads of the audit trail (`process_events`); its rows are written only by the changeset writer, in the
 * command's transaction.
 */
@Injectable()
export class AuditTrailRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Up to `limit` rows after `(pid, id)` in (pid, id) order — keyset pagination over every chain, or over one
   * process's when `onlyPid` is given — each with its process's chain head.
   */
  async rowsAfter(after: { pid: number; id: number }, limit: number, onlyPid?: number): Promise<StoredAuditRow[]> {
    const rows = await this.db.query<EventRow[]>(
      `SELECT e.id, e.pid, e.actor, e.actor_kind, e.action, e.from_state, e.to_state, e.cause, e.details, e.at,
              e.prev_hash, e.hash, p.audit_head
         FROM process_events e JOIN processes p ON p.pid = e.pid
        WHERE (e.pid, e.id) > ($1, $2) ${onlyPid !== undefined ? 'AND e.pid = $4' : ''}
        ORDER BY e.pid, e.id LIMIT $3`,
      onlyPid !== undefined ? [after.pid, after.id, limit, onlyPid] : [after.pid, after.id, limit],
    );
    return rows.map(toStored);
  }

  /**
   * The audit trail of one process, oldest first, each row with its actor's display name (`operators.label`; null
   * when the actor is null or no operator, e.g. a timer).
   */
  async ofProcess(pid: number): Promise<(StoredAuditRow & { actorName: string | null })[]> {
    const rows = await this.db.query<(EventRow & { actor_name: string | null })[]>(
      `SELECT e.id, e.pid, e.actor, e.actor_kind, e.action, e.from_state, e.to_state, e.cause, e.details, e.at,
              e.prev_hash, e.hash, NULL AS audit_head, o.label AS actor_name
         FROM process_events e LEFT JOIN operators o ON o.key = e.actor
        WHERE e.pid = $1 ORDER BY e.id`,
      [pid],
    );
    return rows.map((r) => ({ ...toStored(r), actorName: r.actor_name }));
  }
}

const toStored = (r: EventRow): StoredAuditRow => ({
  id: Number(r.id),
  pid: Number(r.pid),
  actor: r.actor,
  actorKind: r.actor_kind,
  action: r.action,
  fromState: r.from_state,
  toState: r.to_state,
  cause: r.cause,
  details: r.details,
  at: r.at,
  prevHash: r.prev_hash,
  hash: r.hash,
  auditHead: r.audit_head,
});
