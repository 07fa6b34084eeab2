import { canonicalJson, frameHash, KernelError, type Changeset } from '@opkernel/kernel';
import { auditHash } from '../../audit/audit-chain';
import type { TaskChangedMessage } from '../../live/live-events.type';
import { roomsForProcessChange } from '../../live/rooms';
import { PROCESS_COLUMNS, pcbToParams } from './process-row';
import type { SqlRunner } from './sql-runner';

/** Labels for the live payload, so clients can show a changed row without reading it back. */
export type ChangeLabels = {
  /** Label of `service` in `designVersion` (the key when unknown). */
  service(designVersion: number, service: string): string;
  /** Label of the entity, null when unknown. */
  entity(type: string, id: string): string | null;
};

const NO_LABELS: ChangeLabels = { service: (_v, s) => s, entity: () => null };
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

const COLS = PROCESS_COLUMNS.join(', ');
const placeholders = (row: number, width: number) =>
  `(${Array.from({ length: width }, (_, i) => `$${row * width + i + 1}`).join(', ')})`;
// Updates never touch created_at; pid is $1 and each other column gets its own parameter (typed by PostgreSQL).
const CREATED_AT = PROCESS_COLUMNS.indexOf('created_at');
const UPDATE_COLUMNS = PROCESS_COLUMNS.filter((_, i) => i !== CREATED_AT);
const UPDATE_SET = UPDATE_COLUMNS.map((c, i) => (c === 'pid' ? null : `${c} = $${i + 1}`))
  .filter((x) => x !== null)
  .join(', ');

/**
 * Writes a kernel {@link Changeset} inside the caller's transaction: new processes, updates guarded by their
 * expected version (optimistic locking), the audit rows (each chained to its process's previous row by SHA-256), changed context frames with a new snapshot version
 * only when the frame's SHA-256 changed, and one outbox row per changed process (`task.changed`, pushed to
 * socket.io after commit by the outbox relay). `auditHeads` are the chain heads of the processes the command
 * read under lock (`PgProcessStore.auditHeads`); each written process row carries its new head (`audit_head`).
 * @throws KernelError VERSION_CONFLICT when a process changed since it was read (the transaction must roll back)
 */
/**
 * Extends each audited process's hash chain with the command's audit rows: their query parameters (with
 * `prev_hash` and `hash`) and each process's new chain head. The current head comes from the command's locking
 * read (`auditHeads`, the `processes.audit_head` column), is null for a process the command created, and is read
 * here only for any other process.
 */
async function chainAudit(
  tx: SqlRunner,
  cs: Changeset,
  auditHeads: ReadonlyMap<number, string | null>,
): Promise<{ params: unknown[]; heads: Map<number, string | null> }> {
  if (cs.audit.length === 0) return { params: [], heads: new Map() };
  const last = new Map<number, string | null>(auditHeads);
  for (const p of cs.created) last.set(p.pid, null);
  const unknown = [...new Set(cs.audit.map((a) => a.pid))].filter((pid) => !last.has(pid));
  if (unknown.length > 0) {
    const rows = await tx.query<{ pid: string; audit_head: string | null }[]>(
      'SELECT pid, audit_head FROM processes WHERE pid = ANY($1::bigint[])',
      [unknown],
    );
    for (const r of rows) last.set(Number(r.pid), r.audit_head);
  }
  const heads = new Map<number, string | null>();
  const params = cs.audit.flatMap((a) => {
    const at = new Date(a.at);
    const prev = last.get(a.pid) ?? null;
    const hash = auditHash(prev, {
      pid: a.pid,
      actor: a.actor,
      action: a.action,
      fromState: a.fromState,
      toState: a.toState,
      cause: a.cause,
      details: a.details,
      at: at.toISOString(),
    });
    last.set(a.pid, hash);
    heads.set(a.pid, hash);
    return [
      a.pid,
      a.actor,
      a.action,
      a.fromState,
      a.toState,
      a.cause === null ? null : JSON.stringify(a.cause),
      a.details === null ? null : JSON.stringify(a.details),
      at,
      prev,
      hash,
    ];
  });
  return { params, heads };
}

export async function writeChangeset(
  tx: SqlRunner,
  cs: Changeset,
  labels: ChangeLabels = NO_LABELS,
  auditHeads: ReadonlyMap<number, string | null> = new Map(),
): Promise<void> {
  const audit = await chainAudit(tx, cs, auditHeads);
  const width = PROCESS_COLUMNS.length;
  if (cs.created.length > 0) {
    const params = cs.created.flatMap((p) => [...pcbToParams(p), audit.heads.get(p.pid) ?? null]);
    const values = cs.created.map((_, i) => placeholders(i, width + 1)).join(', ');
    await tx.query(`INSERT INTO processes (${COLS}, audit_head) VALUES ${values}`, params);
  }
  const written = new Set(cs.created.map((p) => p.pid));
  for (const { pcb, expectedVersion } of cs.updated) {
    written.add(pcb.pid);
    const head = audit.heads.get(pcb.pid);
    // The chain head changes only when the command audited this process; else it is left as it is.
    const params = [...pcbToParams(pcb).filter((_, i) => i !== CREATED_AT), expectedVersion, head ?? null];
    const rows = await tx.query<{ pid: string }[]>(
      `WITH u AS (UPDATE processes SET ${UPDATE_SET}${head !== undefined ? `, audit_head = $${UPDATE_COLUMNS.length + 2}` : ''}
                    WHERE pid = $1 AND version = $${UPDATE_COLUMNS.length + 1} RETURNING pid)
       SELECT pid FROM u`,
      head !== undefined ? params : params.slice(0, -1),
    );
    if (rows.length !== 1) {
      throw new KernelError('VERSION_CONFLICT', `process ${pcb.pid} was changed by someone else; reload and retry`, {
        pid: pcb.pid,
      });
    }
  }
  // A process audited without a change of its own (rare) still gets its new chain head.
  for (const [pid, head] of audit.heads) {
    if (!written.has(pid)) await tx.query('UPDATE processes SET audit_head = $2 WHERE pid = $1', [pid, head]);
  }
  if (audit.params.length > 0) {
    const values = cs.audit.map((_, i) => placeholders(i, 10)).join(', ');
    await tx.query(
      `INSERT INTO process_events (pid, actor, action, from_state, to_state, cause, details, at, prev_hash, hash) VALUES ${values}`,
      audit.params,
    );
  }
  for (const frame of cs.frames) {
    const hash = frameHash(frame);
    const content = canonicalJson(frame);
    // Upsert the current frame; a new snapshot version only when the hash differs from the stored one.
    await tx.query(
      `WITH prev AS (SELECT hash, version FROM process_frames WHERE pid = $1),
            up AS (
              INSERT INTO process_frames (pid, frame, hash, version)
              SELECT $1, $2::jsonb, $3, COALESCE((SELECT version FROM prev), 0) + 1
              WHERE NOT EXISTS (SELECT 1 FROM prev WHERE hash = $3)
              ON CONFLICT (pid) DO UPDATE SET frame = EXCLUDED.frame, hash = EXCLUDED.hash, version = EXCLUDED.version
              RETURNING version)
       INSERT INTO process_snapshots (pid, version, content, hash) SELECT $1, version, $2::jsonb, $3 FROM up`,
      [frame.pid, content, hash],
    );
  }
  if (cs.changes.length > 0) {
    const pcbs = new Map([...cs.created, ...cs.updated.map((u) => u.pcb)].map((p) => [p.pid, p]));
    const params = cs.changes.flatMap((c) => [
      'task.changed',
      JSON.stringify({
        rooms: roomsForProcessChange(c),
        change: {
          pid: c.pid,
          version: c.version,
          service: c.service,
          serviceLabel: labels.service(pcbs.get(c.pid)?.designVersion ?? 0, c.service),
          state: c.state,
          fromState: c.fromState,
          assignee: c.assignee,
          candidateRoles: c.candidateRoles,
          entity: c.entity ? { ...c.entity, label: labels.entity(c.entity.type, c.entity.id) } : null,
          kind: c.kind,
          priority: c.priority,
          scheduledAt: iso(pcbs.get(c.pid)?.scheduledAt ?? null),
          deadline: iso(pcbs.get(c.pid)?.deadline ?? null),
          at: c.at,
        },
        audience: {
          designVersion: pcbs.get(c.pid)?.designVersion ?? 0,
          creator: pcbs.get(c.pid)?.creator ?? null,
        },
      } satisfies TaskChangedMessage),
    ]);
    const values = cs.changes.map((_, i) => placeholders(i, 2)).join(', ');
    await tx.query(`INSERT INTO outbox (topic, payload) VALUES ${values}`, params);
  }
}
