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
 * socket.io after commit by the outbox relay). `auditHeads` are the last audit hashes of processes the command
 * read under lock (`PgProcessStore.auditHeads`); heads of other processes are read here.
 * @throws KernelError VERSION_CONFLICT when a process changed since it was read (the transaction must roll back)
 */
export async function writeChangeset(
  tx: SqlRunner,
  cs: Changeset,
  labels: ChangeLabels = NO_LABELS,
  auditHeads: ReadonlyMap<number, string | null> = new Map(),
): Promise<void> {
  const width = PROCESS_COLUMNS.length;
  if (cs.created.length > 0) {
    const params = cs.created.flatMap(pcbToParams);
    const values = cs.created.map((_, i) => placeholders(i, width)).join(', ');
    await tx.query(`INSERT INTO processes (${COLS}) VALUES ${values}`, params);
  }
  for (const { pcb, expectedVersion } of cs.updated) {
    const params = [...pcbToParams(pcb).filter((_, i) => i !== CREATED_AT), expectedVersion];
    const rows = await tx.query<{ pid: string }[]>(
      `WITH u AS (UPDATE processes SET ${UPDATE_SET} WHERE pid = $1 AND version = $${UPDATE_COLUMNS.length + 1} RETURNING pid)
       SELECT pid FROM u`,
      params,
    );
    if (rows.length !== 1) {
      throw new KernelError('VERSION_CONFLICT', `process ${pcb.pid} was changed by someone else; reload and retry`, {
        pid: pcb.pid,
      });
    }
  }
  if (cs.audit.length > 0) {
    // Each process's audit rows form a hash chain. Its last hash comes from the command's locking read
    // (`auditHeads`), is null for a process the command created, and is read here only for any other process.
    const last = new Map<number, string | null>(auditHeads);
    for (const p of cs.created) last.set(p.pid, null);
    const unknown = [...new Set(cs.audit.map((a) => a.pid))].filter((pid) => !last.has(pid));
    if (unknown.length > 0) {
      const heads = await tx.query<{ pid: string; hash: string | null }[]>(
        `SELECT DISTINCT ON (pid) pid, hash FROM process_events WHERE pid = ANY($1::bigint[]) ORDER BY pid, id DESC`,
        [unknown],
      );
      for (const h of heads) last.set(Number(h.pid), h.hash);
    }
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
    const values = cs.audit.map((_, i) => placeholders(i, 10)).join(', ');
    await tx.query(
      `INSERT INTO process_events (pid, actor, action, from_state, to_state, cause, details, at, prev_hash, hash) VALUES ${values}`,
      params,
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
