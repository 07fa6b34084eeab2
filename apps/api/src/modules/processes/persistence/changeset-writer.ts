import { canonicalJson, frameHash, KernelError, type Changeset, type ProcessChange } from '@opkernel/kernel';
import { auditHash } from '../../audit/audit-chain';
import { PROCESS_COLUMNS, PROCESS_COLUMN_TYPES, pcbToParams } from './process-row';
import type { SqlRunner } from './sql-runner';

/** Payload of a `process.changed` outbox row: the kernel's change record (see {@link Effect}). */
export type ProcessChangedMessage = { change: ProcessChange };

const COLS = PROCESS_COLUMNS.join(', ');
const placeholders = (row: number, width: number) =>
  `(${Array.from({ length: width }, (_, i) => `$${row * width + i + 1}`).join(', ')})`;
/** Like {@link placeholders}, each parameter cast to `types[i]` (a VALUES list read as a table). */
const typedPlaceholders = (row: number, types: readonly string[]) =>
  `(${types.map((t, i) => `$${row * types.length + i + 1}::${t}`).join(', ')})`;
// Updates never touch created_at.
const CREATED_AT = PROCESS_COLUMNS.indexOf('created_at');
const UPDATE_COLUMNS = PROCESS_COLUMNS.filter((_, i) => i !== CREATED_AT);
const UPDATE_TYPES = [
  ...PROCESS_COLUMN_TYPES.filter((_, i) => i !== CREATED_AT),
  'int', // expected version
  'boolean', // whether the audit head changes
  'text', // the new audit head
];
const UPDATE_SET = UPDATE_COLUMNS.filter((c) => c !== 'pid')
  .map((c) => `${c} = v.${c}`)
  .join(', ');

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
      actorKind: a.actorKind,
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
      a.actorKind,
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

/**
 * Writes a kernel {@link Changeset} inside the caller's transaction, one statement per table whatever the size
 * of the cascade: new processes (multi-row INSERT), every changed process (one `UPDATE … FROM (VALUES …)`
 * guarded by each row's expected version — optimistic locking), the audit rows (each chained to its process's
 * previous row by SHA-256), the changed context frames with a new snapshot version only where the frame's
 * SHA-256 changed, and the effects: timers set (upserted by key) and cancelled in one statement each, and each
 * `publish` becomes an outbox row of its topic (carried out after commit by the outbox relay's subscribers). `auditHeads` are the chain heads of the processes the command read under
 * lock (`PgProcessStore.auditHeads`); each written process row carries its new head (`audit_head`).
 * @throws KernelError VERSION_CONFLICT when a process changed since it was read (the transaction must roll back)
 */
export async function writeChangeset(
  tx: SqlRunner,
  cs: Changeset,
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
  if (cs.updated.length > 0) {
    const params = cs.updated.flatMap(({ pcb, expectedVersion }) => {
      written.add(pcb.pid);
      // The chain head changes only when the command audited this process; else it is left as it is.
      const head = audit.heads.get(pcb.pid);
      return [
        ...pcbToParams(pcb).filter((_, i) => i !== CREATED_AT),
        expectedVersion,
        head !== undefined,
        head ?? null,
      ];
    });
    const values = cs.updated.map((_, i) => typedPlaceholders(i, UPDATE_TYPES)).join(', ');
    const rows = await tx.query<{ pid: string }[]>(
      `WITH u AS (
         UPDATE processes p SET ${UPDATE_SET},
                audit_head = CASE WHEN v.set_head THEN v.new_head ELSE p.audit_head END
           FROM (VALUES ${values}) AS v(${UPDATE_COLUMNS.join(', ')}, expected_version, set_head, new_head)
          WHERE p.pid = v.pid AND p.version = v.expected_version
          RETURNING p.pid)
       SELECT pid FROM u`,
      params,
    );
    if (rows.length !== cs.updated.length) {
      const done = new Set(rows.map((r) => Number(r.pid)));
      const pid = cs.updated.find((u) => !done.has(u.pcb.pid))?.pcb.pid;
      throw new KernelError('VERSION_CONFLICT', `process ${pid} was changed by someone else; reload and retry`, {
        pid,
      });
    }
  }
  // A process audited without a change of its own (rare) still gets its new chain head.
  const headsOnly = [...audit.heads].filter(([pid]) => !written.has(pid));
  if (headsOnly.length > 0) {
    await tx.query(
      'UPDATE processes p SET audit_head = v.head FROM unnest($1::bigint[], $2::text[]) AS v(pid, head) WHERE p.pid = v.pid',
      [headsOnly.map(([pid]) => pid), headsOnly.map(([, head]) => head)],
    );
  }
  if (audit.params.length > 0) {
    const values = cs.audit.map((_, i) => placeholders(i, 11)).join(', ');
    await tx.query(
      `INSERT INTO process_events (pid, actor, actor_kind, action, from_state, to_state, cause, details, at, prev_hash, hash) VALUES ${values}`,
      audit.params,
    );
  }
  if (cs.frames.length > 0) {
    // Upsert the current frames; a new snapshot version only where the hash differs from the stored one.
    await tx.query(
      `WITH i AS (SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[]) AS t(pid, frame, hash)),
            changed AS (
              SELECT i.pid, i.frame::jsonb AS frame, i.hash, COALESCE(f.version, 0) + 1 AS version
                FROM i LEFT JOIN process_frames f ON f.pid = i.pid
               WHERE f.hash IS DISTINCT FROM i.hash),
            up AS (
              INSERT INTO process_frames (pid, frame, hash, version) SELECT pid, frame, hash, version FROM changed
              ON CONFLICT (pid) DO UPDATE SET frame = EXCLUDED.frame, hash = EXCLUDED.hash, version = EXCLUDED.version)
       INSERT INTO process_snapshots (pid, version, content, hash) SELECT pid, version, frame, hash FROM changed`,
      [cs.frames.map((f) => f.pid), cs.frames.map((f) => canonicalJson(f)), cs.frames.map((f) => frameHash(f))],
    );
  }
  const timers = cs.effects.flatMap((e) => (e.kind === 'timer.set' ? [e.timer] : []));
  if (timers.length > 0) {
    await tx.query(
      `INSERT INTO timers (key, pid, purpose, due_at)
       SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::timestamptz[])
       ON CONFLICT (key) DO UPDATE SET pid = EXCLUDED.pid, purpose = EXCLUDED.purpose, due_at = EXCLUDED.due_at`,
      [
        timers.map((t) => t.key),
        timers.map((t) => t.pid),
        timers.map((t) => t.purpose),
        timers.map((t) => new Date(t.dueAt)),
      ],
    );
  }
  const cancelled = cs.effects.flatMap((e) => (e.kind === 'timer.cancel' ? [e.key] : []));
  if (cancelled.length > 0) await tx.query('DELETE FROM timers WHERE key = ANY($1::text[])', [cancelled]);
  const published = cs.effects.filter((e) => e.kind === 'publish');
  if (published.length > 0) {
    const params = published.flatMap((e) => [
      e.topic,
      JSON.stringify({ change: e.change } satisfies ProcessChangedMessage),
    ]);
    const values = published.map((_, i) => placeholders(i, 2)).join(', ');
    await tx.query(`INSERT INTO outbox (topic, payload) VALUES ${values}`, params);
  }
}
