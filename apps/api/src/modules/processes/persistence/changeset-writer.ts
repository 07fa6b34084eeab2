import { createHash } from 'node:crypto';
import { canonicalJson, KernelError, type Changeset, type ProcessChange } from '@opkernel/kernel';
import { auditHash } from '../../audit/audit-chain';
import { PROCESS_COLUMNS, PROCESS_COLUMN_TYPES, pcbToRecord } from './process-row';
import type { SqlRunner } from './sql-runner';

/** Outbox topic of a `dispatch` effect: payload `{ pid }` (push the task to an operator). */
export const SCHEDULER_DISPATCH_TOPIC = 'scheduler.dispatch';
/** Outbox topic of an `offer` effect: payload `{ operator, designVersion }` (offer them waiting push work). */
export const SCHEDULER_OFFER_TOPIC = 'scheduler.offer';

/** Outbox topic of a `wake` effect: payload `{ types }` (tasks waiting for these resource types try again). */
export const SCHEDULER_WAKE_TOPIC = 'scheduler.wake';
/** Outbox topic of an SLA milestone for the live channel: payload `{ notice }`, the kernel's `SlaNotice`. */
export const SLA_MILESTONE_TOPIC = 'sla.milestone';

/** Outbox topic of a `stage.dispatch` effect: payload `{ job }`, the kernel's `StageJob` (added to its deck's queue). */
export const STAGE_DISPATCH_TOPIC = 'deck.dispatch';

/** Payload of a `process.changed` outbox row: the kernel's change record (see {@link Effect}). */
export type ProcessChangedMessage = { change: ProcessChange };

/** SHA-256 (hex) of a text: the frame hash of its canonical JSON (as the kernel's `frameHash` computes it). */
const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');

const COLS = PROCESS_COLUMNS.join(', ');
/** The process columns as a `jsonb_to_recordset` column list. */
const PROCESS_RECORD = PROCESS_COLUMNS.map((c, i) => `${c} ${PROCESS_COLUMN_TYPES[i]}`).join(', ');
// Updates never touch created_at.
const UPDATE_SET = PROCESS_COLUMNS.filter((c) => c !== 'pid' && c !== 'created_at')
  .map((c) => `${c} = v.${c}`)
  .join(', ');

/**
 * The one statement that writes a changeset: every table's rows from one `jsonb` parameter each (read with
 * `jsonb_to_recordset`), so its text never changes (the API runs it as a prepared statement) and a cascade of any
 * size costs one round trip. Audit rows keep their order (their ids follow the hash chain); the outbox lease counts
 * from the statement's own clock (`clock_timestamp()`), not from the start of a long transaction. Every writable CTE runs to completion whether or not the final SELECT reads it;
 * they see the same snapshot, and foreign keys between rows written here (an audit row of a process created
 * here) are checked at the end of the statement.
 */
const WRITE_CHANGESET = `
WITH created AS (
  INSERT INTO processes (${COLS}, audit_head)
  SELECT ${COLS}, audit_head FROM jsonb_to_recordset($1::jsonb) AS v(${PROCESS_RECORD}, audit_head text)
  RETURNING pid),
updated AS (
  UPDATE processes p SET ${UPDATE_SET},
         audit_head = CASE WHEN v.set_head THEN v.new_head ELSE p.audit_head END
    FROM jsonb_to_recordset($2::jsonb) AS v(${PROCESS_RECORD}, expected_version int, set_head boolean, new_head text)
   WHERE p.pid = v.pid AND p.version = v.expected_version AND p.pid = ANY($17::bigint[])
  RETURNING p.pid),
heads AS (
  UPDATE processes p SET audit_head = v.head
    FROM jsonb_to_recordset($3::jsonb) AS v(pid bigint, head text)
   WHERE p.pid = v.pid AND p.pid = ANY($17::bigint[])
  RETURNING p.pid),
audit AS (
  INSERT INTO process_events (pid, actor, actor_kind, action, from_state, to_state, cause, details, at, prev_hash, hash)
  SELECT v.pid, v.actor, v.actor_kind, v.action, v.from_state, v.to_state, v.cause, v.details, v.at, v.prev_hash, v.hash
    FROM jsonb_array_elements($4::jsonb) WITH ORDINALITY AS e(item, n),
         jsonb_to_record(e.item) AS v(pid bigint, actor text, actor_kind text, action text, from_state text,
         to_state text, cause jsonb, details jsonb, at timestamptz, prev_hash text, hash text)
   ORDER BY e.n
  RETURNING 1),
frame_input AS (SELECT * FROM jsonb_to_recordset($5::jsonb) AS v(pid bigint, frame jsonb, hash text)),
changed_frames AS (
  SELECT i.pid, i.frame, i.hash, COALESCE(f.version, 0) + 1 AS version
    FROM frame_input i LEFT JOIN process_frames f ON f.pid = i.pid AND f.pid = ANY($17::bigint[])
   WHERE f.hash IS DISTINCT FROM i.hash),
frames AS (
  INSERT INTO process_frames (pid, frame, hash, version) SELECT pid, frame, hash, version FROM changed_frames
  ON CONFLICT (pid) DO UPDATE SET frame = EXCLUDED.frame, hash = EXCLUDED.hash, version = EXCLUDED.version
  RETURNING 1),
snapshots AS (
  INSERT INTO process_snapshots (pid, version, content, hash) SELECT pid, version, frame, hash FROM changed_frames
  RETURNING 1),
timers_set AS (
  INSERT INTO timers (key, pid, purpose, due_at)
  SELECT key, pid, purpose, due_at FROM jsonb_to_recordset($6::jsonb) AS v(key text, pid bigint, purpose text, due_at timestamptz)
  ON CONFLICT (key) DO UPDATE SET pid = EXCLUDED.pid, purpose = EXCLUDED.purpose, due_at = EXCLUDED.due_at
  RETURNING 1),
timers_cancelled AS (DELETE FROM timers WHERE key = ANY($7::text[]) RETURNING 1),
dequeued AS (
  DELETE FROM ready_queue q USING jsonb_to_recordset($10::jsonb) AS v(pid bigint, keep text[])
   WHERE q.pid = v.pid AND q.lane <> ALL(v.keep) AND q.pid = ANY($17::bigint[])
  RETURNING 1),
enqueued AS (
  INSERT INTO ready_queue (lane, pid, fairness_key, class, rank, tag, weight, resource_types, queued_at)
  SELECT lane, pid, fairness_key, class, rank, tag, weight, resource_types, queued_at
    FROM jsonb_to_recordset($11::jsonb) AS v(lane text, pid bigint, fairness_key text, class int, rank bigint,
         tag bigint, weight int, resource_types text[], queued_at timestamptz)
  ON CONFLICT (lane, pid) DO UPDATE SET fairness_key = EXCLUDED.fairness_key, class = EXCLUDED.class,
     rank = EXCLUDED.rank, tag = EXCLUDED.tag, weight = EXCLUDED.weight, resource_types = EXCLUDED.resource_types
  RETURNING 1),
loads AS (
  INSERT INTO operator_state (operator, load, last_assigned_at)
  SELECT v.operator, v.delta, CASE WHEN v.assigned THEN v.at END
    FROM jsonb_to_recordset($12::jsonb) AS v(operator text, delta int, assigned boolean, at timestamptz)
  ON CONFLICT (operator) DO UPDATE SET load = operator_state.load + EXCLUDED.load,
     last_assigned_at = COALESCE(EXCLUDED.last_assigned_at, operator_state.last_assigned_at)
  RETURNING 1),
explained AS (
  INSERT INTO assignment_explanations (pid, operator, mode, at, factors)
  SELECT v.pid, v.operator, v.mode, v.at, v.factors
    FROM jsonb_to_recordset($13::jsonb) AS v(pid bigint, operator text, mode text, at timestamptz, factors jsonb)
  RETURNING 1),
sla_clocks_set AS (
  INSERT INTO sla_clocks (pid, sla, status, elapsed_ms, resumed_at, next_milestone, next_due_at, passed_count, breached)
  SELECT pid, sla, status, elapsed_ms, resumed_at, next_milestone, next_due_at, passed_count, breached
    FROM jsonb_to_recordset($14::jsonb) AS v(pid bigint, sla text, status text, elapsed_ms bigint,
         resumed_at timestamptz, next_milestone text, next_due_at timestamptz, passed_count int, breached boolean)
  ON CONFLICT (pid) DO UPDATE SET sla = EXCLUDED.sla, status = EXCLUDED.status, elapsed_ms = EXCLUDED.elapsed_ms,
     resumed_at = EXCLUDED.resumed_at, next_milestone = EXCLUDED.next_milestone, next_due_at = EXCLUDED.next_due_at,
     passed_count = EXCLUDED.passed_count, breached = EXCLUDED.breached
  RETURNING 1),
bookings_held AS (
  INSERT INTO bookings (resource, slot, pid, during, status)
  SELECT v.resource, v.slot, v.pid, tstzrange(v.from_at, v.to_at), v.status
    FROM jsonb_to_recordset($15::jsonb) AS v(pid bigint, resource text, slot int, from_at timestamptz, to_at timestamptz,
                                             status text)
  RETURNING 1),
bookings_ended AS (
  UPDATE bookings b SET status = v.status,
         during = CASE WHEN v.status IN ('held', 'active') THEN b.during
                       ELSE tstzrange(lower(b.during), GREATEST(lower(b.during), LEAST(upper(b.during), v.at))) END
    FROM jsonb_to_recordset($16::jsonb) AS v(pid bigint, status text, at timestamptz)
   WHERE b.pid = v.pid AND b.status IN ('held', 'active') AND b.pid = ANY($17::bigint[])
  RETURNING 1),
drafts_dropped AS (
  -- A task's draft (typed, not yet submitted form data) dies with the task, in the same transaction.
  DELETE FROM task_drafts d WHERE d.pid = ANY($18::bigint[])
  RETURNING 1),
published AS (
  INSERT INTO outbox (topic, payload, attempts, claimed_until)
  SELECT v.item->>'topic', v.item->'payload', CASE WHEN $9::int IS NULL THEN 0 ELSE 1 END,
         clock_timestamp() + make_interval(secs => $9::int)
    FROM jsonb_array_elements($8::jsonb) WITH ORDINALITY AS v(item, n) ORDER BY v.n
  RETURNING id)
SELECT (SELECT count(*) FROM updated)::int AS updated, (SELECT array_agg(pid) FROM updated) AS updated_pids,
       (SELECT array_agg(id ORDER BY id) FROM published) AS outbox_ids`;

/**
 * Extends each audited process's hash chain with the command's audit rows: the rows (with `prev_hash` and `hash`)
 * and each process's new chain head. The current head comes from the command's locking read (`auditHeads`, the
 * `processes.audit_head` column), is null for a process the command created, and is read here only for any other
 * process.
 */
async function chainAudit(
  tx: SqlRunner,
  cs: Changeset,
  auditHeads: ReadonlyMap<number, string | null>,
): Promise<{ rows: Record<string, unknown>[]; heads: Map<number, string | null> }> {
  if (cs.audit.length === 0) return { rows: [], heads: new Map() };
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
  const rows = cs.audit.map((a) => {
    const at = new Date(a.at).toISOString();
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
      at,
    });
    last.set(a.pid, hash);
    heads.set(a.pid, hash);
    return {
      pid: a.pid,
      actor: a.actor,
      actor_kind: a.actorKind,
      action: a.action,
      from_state: a.fromState,
      to_state: a.toState,
      cause: a.cause,
      details: a.details,
      at,
      prev_hash: prev,
      hash,
    };
  });
  return { rows, heads };
}

/**
 * Writes a kernel {@link Changeset} inside the caller's transaction in ONE statement, whatever the size of the
 * cascade ({@link WRITE_CHANGESET}): new processes, every changed process guarded by its expected version
 * (optimistic locking), the audit rows (each chained to its process's previous row by SHA-256), the changed
 * context frames with a new snapshot version only where the frame's SHA-256 changed, the scheduler's changes —
 * ready-queue rows removed and upserted, operator load moved, assignments explained, SLA clocks upserted, resource slots booked
 * (an overlap with a live booking fails the statement: exclusion constraint, 23P01) and ended, the drafts of tasks that
 * terminated deleted — and the effects: timers set
 * (upserted by key) and cancelled, and each `publish` as an outbox row of its topic (carried out after commit by
 * the outbox relay's subscribers). `auditHeads` are the chain heads of the processes the command read under lock
 * (`PgProcessStore.auditHeads`); each written process row carries its new head (`audit_head`).
 * @returns the outbox messages written, with their ids (to deliver after commit when they were leased)
 * @throws KernelError VERSION_CONFLICT when a process changed since it was read (the transaction must roll back)
 */
/** Options of {@link writeChangeset}. */
export type WriteOptions = {
  /**
   * Lease the outbox rows to the writing process for this many seconds (one attempt counted), so that it can
   * deliver them itself right after commit (`OutboxRelay.deliverCommitted`) without another relay taking them.
   * Unset: the rows wait for any relay's poll.
   */
  leaseSeconds?: number;
};

/** What {@link writeChangeset} wrote that the caller carries on with: the outbox messages, with their ids. */
export type Written = { outbox: { id: string; topic: string; payload: unknown }[] };

export async function writeChangeset(
  tx: SqlRunner,
  cs: Changeset,
  auditHeads: ReadonlyMap<number, string | null> = new Map(),
  options: WriteOptions = {},
): Promise<Written> {
  const audit = await chainAudit(tx, cs, auditHeads);
  const created = cs.created.map((p) => ({ ...pcbToRecord(p), audit_head: audit.heads.get(p.pid) ?? null }));
  const written = new Set(cs.created.map((p) => p.pid));
  const updated = cs.updated.map(({ pcb, expectedVersion }) => {
    written.add(pcb.pid);
    // The chain head changes only when the command audited this process; else it is left as it is.
    const head = audit.heads.get(pcb.pid);
    return {
      ...pcbToRecord(pcb),
      expected_version: expectedVersion,
      set_head: head !== undefined,
      new_head: head ?? null,
    };
  });
  // A process audited without a change of its own (rare) still gets its new chain head.
  const headsOnly = [...audit.heads].filter(([pid]) => !written.has(pid)).map(([pid, head]) => ({ pid, head }));
  // Frames: the canonical text is the stored content (spliced in, not parsed and serialised again).
  const frames = `[${cs.frames
    .map((f) => {
      const content = canonicalJson(f);
      return `{"pid":${f.pid},"hash":"${sha256Hex(content)}","frame":${content}}`;
    })
    .join(',')}]`;
  const timers = cs.effects.flatMap((e) =>
    e.kind === 'timer.set'
      ? [
          {
            key: e.timer.key,
            pid: e.timer.pid,
            purpose: e.timer.purpose,
            due_at: new Date(e.timer.dueAt).toISOString(),
          },
        ]
      : [],
  );
  const cancelled = cs.effects.flatMap((e) => (e.kind === 'timer.cancel' ? [e.key] : []));
  const outbox = cs.effects.flatMap((e): { topic: string; payload: unknown }[] =>
    e.kind === 'publish'
      ? [{ topic: e.topic, payload: { change: e.change } satisfies ProcessChangedMessage }]
      : e.kind === 'dispatch'
        ? [{ topic: SCHEDULER_DISPATCH_TOPIC, payload: { pid: e.pid } }]
        : e.kind === 'offer'
          ? [{ topic: SCHEDULER_OFFER_TOPIC, payload: { operator: e.operator, designVersion: e.designVersion } }]
          : e.kind === 'wake'
            ? [{ topic: SCHEDULER_WAKE_TOPIC, payload: { types: e.types } }]
            : e.kind === 'notify'
              ? [{ topic: SLA_MILESTONE_TOPIC, payload: { notice: e.notice } }]
              : e.kind === 'stage.dispatch'
                ? [{ topic: STAGE_DISPATCH_TOPIC, payload: { job: e.job } }]
                : [],
  );
  const sched = cs.scheduler;
  // The command's time (every change record carries it).
  const now = new Date(cs.changes[0]?.at ?? cs.result.updatedAt).toISOString();
  const [result] = await tx.query<[{ updated: number; updated_pids: string[] | null; outbox_ids: string[] | null }]>(
    WRITE_CHANGESET,
    [
      JSON.stringify(created),
      JSON.stringify(updated),
      JSON.stringify(headsOnly),
      JSON.stringify(audit.rows),
      frames,
      JSON.stringify(timers),
      cancelled,
      JSON.stringify(outbox),
      options.leaseSeconds ?? null,
      JSON.stringify(sched.dequeue),
      JSON.stringify(
        sched.enqueue.map((e) => ({
          lane: e.lane,
          pid: e.pid,
          fairness_key: e.fairnessKey,
          class: e.class,
          rank: e.rank,
          tag: e.tag,
          weight: e.weight,
          resource_types: e.resourceTypes,
          queued_at: new Date(e.queuedAt).toISOString(),
        })),
      ),
      JSON.stringify(sched.load.map((l) => ({ operator: l.operator, delta: l.delta, assigned: l.assigned, at: now }))),
      JSON.stringify(
        sched.explanations.map((x) => ({
          pid: x.pid,
          operator: x.operator,
          mode: x.explanation.mode,
          at: new Date(x.explanation.at).toISOString(),
          factors: x.explanation,
        })),
      ),
      JSON.stringify(
        sched.sla.map(({ pid, clock }) => ({
          pid,
          sla: clock.sla,
          status: clock.status,
          elapsed_ms: clock.elapsedMs,
          resumed_at: clock.resumedAt === null ? null : new Date(clock.resumedAt).toISOString(),
          next_milestone: clock.nextMilestone,
          next_due_at: clock.nextDueAt === null ? null : new Date(clock.nextDueAt).toISOString(),
          passed_count: clock.passedCount,
          breached: clock.breached,
        })),
      ),
      JSON.stringify(
        sched.bookings.hold.map((h) => ({
          pid: h.pid,
          resource: h.resource,
          slot: h.slot,
          from_at: new Date(h.from).toISOString(),
          to_at: new Date(h.to).toISOString(),
          status: h.status ?? 'held',
        })),
      ),
      JSON.stringify(
        sched.bookings.end.map((e) => ({ pid: e.pid, status: e.status, at: new Date(e.at).toISOString() })),
      ),
      // Every pid the statement addresses: PostgreSQL guesses 100 rows for each jsonb_to_recordset, and with
      // that guess it hash-joins whole tables of 10k–30k rows; `pid = ANY(…)` keeps it on the primary keys.
      [
        ...new Set([
          ...written,
          ...headsOnly.map((h) => h.pid),
          ...cs.frames.map((f) => f.pid),
          ...sched.dequeue.map((d) => d.pid),
          ...sched.bookings.end.map((e) => e.pid),
        ]),
      ],
      [...cs.created, ...cs.updated.map((u) => u.pcb)].filter((p) => p.state === 'TERMINATED').map((p) => p.pid),
    ],
  );
  if (result!.updated !== cs.updated.length) {
    const done = new Set((result!.updated_pids ?? []).map(Number));
    const pid = cs.updated.find((u) => !done.has(u.pcb.pid))?.pcb.pid;
    throw new KernelError('VERSION_CONFLICT', `process ${pid} was changed by someone else; reload and retry`, { pid });
  }
  // Ids were drawn in the order of the rows (ORDER BY their position), so the sorted ids line up with them.
  const ids = (result!.outbox_ids ?? []).map(String);
  return { outbox: outbox.map((m, i) => ({ id: ids[i]!, topic: m.topic, payload: m.payload })) };
}
