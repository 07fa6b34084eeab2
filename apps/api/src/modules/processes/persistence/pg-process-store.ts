import {
  laneTailKey,
  type ContextFrame,
  type EntityRef,
  type EntityView,
  type OperatorSchedState,
  type OperatorView,
  type Pcb,
  type ProcessStore,
  type QueueCandidate,
  type SchedulerStore,
  type BookingView,
  type ResourceView,
  type SlaClock,
} from '@opkernel/kernel';
import { rowToPcb, type ProcessRow } from './process-row';
import {
  rowToOperatorState,
  rowToSlaClock,
  SLA_CLOCK_COLUMNS,
  type OperatorStateRow,
  type SlaClockRow,
} from './scheduler-rows';
import type { SqlRunner } from './sql-runner';

/** A locked `processes` row with its frame and entity, as {@link PgProcessStore.get} reads them. */
type LockedRow = ProcessRow & {
  audit_head: string | null;
  frame__: ContextFrame | null;
  entity_label__: string | null;
  entity_attributes__: Record<string, unknown> | null;
};

/** Looks an operator up for the kernel (e.g. the creator of a journey, whose roles pick an assignee). */
export type OperatorLookup = (key: string) => Promise<OperatorView | null>;

const entityKey = (ref: EntityRef) => `${ref.type}\u0000${ref.id}`;

/**
 * The kernel's {@link ProcessStore} over PostgreSQL — the processes, frames and entities repository of one
 * command, bound to its transaction: it reads each row once.
 *
 * - `get` locks the process row together with its context frame (`FOR UPDATE OF p, f`, so a read that waited for
 *   another command's lock sees that command's frame too — PostgreSQL re-fetches locked rows only) and reads its
 *   entity in the same statement. Two commands on the same process serialize, and the second sees the first's
 *   result (a lost claim race answers ALREADY_CLAIMED instead of overwriting).
 * - frames, entities and operators read once are served from memory for the rest of the command (entities are
 *   not locked: rules read them as they were when first needed).
 */
export class PgProcessStore implements ProcessStore, SchedulerStore {
  /**
   * The hash of the last audit row of each process read by {@link get} (`processes.audit_head`, null: none yet),
   * read with the row lock, so the changeset writer can extend each audit hash chain without another query.
   */
  readonly auditHeads = new Map<number, string | null>();
  private readonly frames = new Map<number, ContextFrame | null>();
  private readonly entities = new Map<string, EntityView | null>();
  private readonly operators = new Map<string, OperatorView | null>();
  private readonly locked = new Map<number, Pcb>();

  /**
   * @param operatorLookup where operators come from (default: one query each); the command's own actor and a
   *   short-lived directory cache are the usual sources.
   */
  constructor(
    private readonly tx: SqlRunner,
    private readonly operatorLookup: OperatorLookup | null = null,
  ) {}

  /**
   * The process, locked `FOR UPDATE` (with its frame) until the transaction ends; null when missing. Notes its
   * audit head, frame and entity for later reads. A second call for the same pid answers from memory.
   */
  async get(pid: number): Promise<Pcb | null> {
    const known = this.locked.get(pid);
    if (known) return known;
    let rows = await this.tx.query<LockedRow[]>(
      `SELECT p.*, f.frame AS frame__, e.label AS entity_label__, e.attributes AS entity_attributes__
         FROM processes p JOIN process_frames f ON f.pid = p.pid
         LEFT JOIN entities e ON e.type = p.entity_type AND e.id = p.entity_id
        WHERE p.pid = $1 FOR UPDATE OF p, f`,
      [pid],
    );
    // Every process gets a frame when it is created; one without (written by hand) is locked alone.
    if (!rows[0]) {
      rows = await this.tx.query<LockedRow[]>(
        `SELECT p.*, NULL::jsonb AS frame__, e.label AS entity_label__, e.attributes AS entity_attributes__
           FROM processes p LEFT JOIN entities e ON e.type = p.entity_type AND e.id = p.entity_id
          WHERE p.pid = $1 FOR UPDATE OF p`,
        [pid],
      );
    }
    const row = rows[0];
    return row ? this.note(row) : null;
  }

  /** Keeps a locked row (with its frame and entity) for the rest of the command. */
  private note(row: LockedRow): Pcb {
    const pcb = rowToPcb(row);
    const pid = pcb.pid;
    this.auditHeads.set(pid, row.audit_head);
    this.frames.set(pid, row.frame__);
    if (pcb.entity && !this.entities.has(entityKey(pcb.entity))) {
      this.entities.set(
        entityKey(pcb.entity),
        row.entity_label__ === null && row.entity_attributes__ === null
          ? null
          : {
              type: pcb.entity.type,
              id: pcb.entity.id,
              label: row.entity_label__ ?? '',
              attributes: row.entity_attributes__ ?? {},
            },
      );
    }
    this.locked.set(pid, pcb);
    return pcb;
  }

  /**
   * For each (lane, fairness key): its last tag in the ready queue (`ready_queue_fair` index) and the key's
   * weight (`fairness_weights`, default 1). One statement.
   */
  async laneTails(
    keys: readonly { lane: string; fairnessKey: string }[],
  ): Promise<Map<string, { tail: number | null; weight: number }>> {
    const rows = await this.tx.query<{ lane: string; fk: string; tail: string | null; weight: number }[]>(
      `SELECT k.lane, k.fk,
              (SELECT q.tag FROM ready_queue q WHERE q.lane = k.lane AND q.fairness_key = k.fk
                ORDER BY q.tag DESC LIMIT 1) AS tail,
              COALESCE(w.weight, 1)::float8 AS weight
         FROM unnest($1::text[], $2::text[]) AS k(lane, fk) LEFT JOIN fairness_weights w ON w.key = k.fk`,
      [keys.map((k) => k.lane), keys.map((k) => k.fairnessKey)],
    );
    return new Map(
      rows.map((r) => [laneTailKey(r.lane, r.fk), { tail: r.tail === null ? null : Number(r.tail), weight: r.weight }]),
    );
  }

  /**
   * One head per lane (reference/scheduler.md §3.2 SQL 1): the first READY unassigned task in `(class, rank,
   * pid)` order whose process row and frame can be locked now (`FOR UPDATE OF p, f SKIP LOCKED`), with its
   * entity — so the command's later read of the chosen task costs nothing. One statement.
   */
  async laneHeads(lanes: readonly string[], exclude: readonly number[], now: number): Promise<QueueCandidate[]> {
    const rows = await this.tx.query<
      (LockedRow & {
        q_lane: string;
        q_class: number;
        q_rank: string;
        q_tag: string;
        q_fairness_key: string;
        q_weight: number;
        q_resource_types: string[];
      })[]
    >(
      `SELECT c.* FROM unnest($1::text[]) AS l(lane) CROSS JOIN LATERAL (
         SELECT q.lane AS q_lane, q.class AS q_class, q.rank AS q_rank, q.tag AS q_tag,
                q.fairness_key AS q_fairness_key, q.weight AS q_weight, q.resource_types AS q_resource_types,
                p.*, f.frame AS frame__, e.label AS entity_label__, e.attributes AS entity_attributes__
           FROM ready_queue q JOIN processes p ON p.pid = q.pid JOIN process_frames f ON f.pid = p.pid
           LEFT JOIN entities e ON e.type = p.entity_type AND e.id = p.entity_id
          WHERE q.lane = l.lane AND p.state = 'READY' AND p.assignee IS NULL AND q.pid <> ALL($2::bigint[])
            AND (p.scheduled_at IS NULL OR p.scheduled_at <= $3::timestamptz)
          ORDER BY q.class, q.rank, q.pid LIMIT 1
          FOR UPDATE OF p, f SKIP LOCKED) c`,
      [lanes, exclude, new Date(now).toISOString()],
    );
    return rows.map((r) => {
      const pcb = this.note(r);
      return {
        lane: r.q_lane,
        pid: pcb.pid,
        class: r.q_class,
        rank: Number(r.q_rank),
        tag: Number(r.q_tag),
        fairnessKey: r.q_fairness_key,
        weight: r.q_weight,
        resourceTypes: r.q_resource_types,
        priority: pcb.priority,
        urgency: pcb.urgency,
      };
    });
  }

  /**
   * The operator's scheduling state (`operator_state`), locked `FOR UPDATE` until the transaction ends; null when
   * they have no row yet.
   */
  async operatorState(key: string): Promise<OperatorSchedState | null> {
    const rows = await this.tx.query<OperatorStateRow[]>(
      `SELECT presence, load, last_assigned_at, capacity, calendar, skills FROM operator_state
        WHERE operator = $1 FOR UPDATE`,
      [key],
    );
    return rows[0] ? rowToOperatorState(rows[0]) : null;
  }

  /**
   * Staff operators (not locked, present) holding one of `roles`, with their `operator_state` (null: no row), most
   * remaining capacity first, at most `limit` (the kernel ranks them). One statement.
   */
  async pushCandidates(
    roles: readonly string[],
    limit: number,
  ): Promise<{ key: string; roles: string[]; state: OperatorSchedState | null }[]> {
    const rows = await this.tx.query<(OperatorStateRow & { key: string; roles: string[]; has_state: boolean })[]>(
      `SELECT o.key, o.roles, s.operator IS NOT NULL AS has_state, s.presence, s.load, s.last_assigned_at,
              s.capacity, s.calendar, s.skills
         FROM operators o LEFT JOIN operator_state s ON s.operator = o.key
        WHERE o.roles && $1::text[] AND o.staff AND o.locked_at IS NULL
          AND (s.operator IS NULL OR s.presence = 'available')
        ORDER BY COALESCE(s.capacity - s.load, 1e9) DESC, o.key LIMIT $2`,
      [roles, limit],
    );
    return rows.map((r) => ({ key: r.key, roles: r.roles, state: r.has_state ? rowToOperatorState(r) : null }));
  }

  /**
   * The resources of `types` with their held/active bookings overlapping `[from, to)` (the bookings' GiST index),
   * in one statement.
   */
  async resourceSnapshot(
    types: readonly string[],
    from: number,
    to: number,
  ): Promise<{ resources: (Omit<ResourceView, 'calendar'> & { calendar: string | null })[]; bookings: BookingView[] }> {
    const rows = await this.tx.query<
      {
        key: string;
        type: string;
        capacity: number;
        calendar: string | null;
        state: ResourceView['state'];
        bookings: { slot: number; from: number; to: number; pid: number | null }[];
      }[]
    >(
      `SELECT r.key, r.type, r.capacity, r.calendar, r.state,
              COALESCE((SELECT json_agg(json_build_object('slot', b.slot, 'pid', b.pid,
                          'from', (extract(epoch FROM lower(b.during)) * 1000)::bigint,
                          'to', (extract(epoch FROM b.until) * 1000)::bigint))
                          FROM (SELECT slot, pid, during, upper(during) AS until FROM bookings
                                 WHERE resource = r.key AND status IN ('held', 'active')
                                   AND during && tstzrange($2::timestamptz, $3::timestamptz)
                                UNION ALL
                                -- A session in use past its booked end keeps its slot for the next minute
                                -- (re-judged at every decision): no one is booked into a room still in use.
                                SELECT slot, pid, during, $2::timestamptz + interval '1 minute' FROM bookings
                                 WHERE resource = r.key AND status = 'active' AND upper(during) <= $2::timestamptz) b),
                       '[]'::json) AS bookings
         FROM resources r WHERE r.type = ANY($1::text[]) ORDER BY r.key`,
      [types, new Date(from).toISOString(), new Date(to).toISOString()],
    );
    return {
      resources: rows.map(({ key, type, capacity, calendar, state }) => ({ key, type, capacity, calendar, state })),
      bookings: rows.flatMap((r) =>
        r.bookings.map((b) => ({ resource: r.key, slot: b.slot, from: b.from, to: b.to, pid: b.pid })),
      ),
    };
  }

  /** Tasks waiting for resources of `types`, oldest tag first, locked `SKIP LOCKED` (with their frames). */
  async resourceWaiters(types: readonly string[], limit: number): Promise<Pcb[]> {
    const rows = await this.tx.query<LockedRow[]>(
      `SELECT p.*, f.frame AS frame__, e.label AS entity_label__, e.attributes AS entity_attributes__
         FROM processes p JOIN process_frames f ON f.pid = p.pid
         LEFT JOIN entities e ON e.type = p.entity_type AND e.id = p.entity_id
        WHERE p.state = 'WAITING' AND p.wait_reason LIKE 'resource:%'
          -- "resource:<type>,<type> <why>": the types it waits for are the list before the first space.
          AND string_to_array(split_part(substr(p.wait_reason, 10), ' ', 1), ',') && $1::text[]
        ORDER BY p.queue_tag NULLS LAST, p.pid LIMIT $2
        FOR UPDATE OF p, f SKIP LOCKED`,
      [types, limit],
    );
    return rows.map((r) => this.note(r));
  }

  /** The process's SLA clock (`sla_clocks`), null when it has none. */
  async slaClock(pid: number): Promise<SlaClock | null> {
    const rows = await this.tx.query<SlaClockRow[]>(`SELECT ${SLA_CLOCK_COLUMNS} FROM sla_clocks WHERE pid = $1`, [
      pid,
    ]);
    return rows[0] ? rowToSlaClock(rows[0]) : null;
  }

  private async list(where: string, value: number): Promise<Pcb[]> {
    const rows = await this.tx.query<ProcessRow[]>(`SELECT * FROM processes WHERE ${where} ORDER BY pid`, [value]);
    return rows.map(rowToPcb);
  }

  /** Processes whose `parent_pid` is `pid`, by pid (no lock). */
  children(pid: number): Promise<Pcb[]> {
    return this.list('parent_pid = $1', pid);
  }

  /** Members of the parallel/iteration join group of `callerPid` (`join_info.callerPid`), by pid (indexed). */
  joinGroup(callerPid: number): Promise<Pcb[]> {
    return this.list(`(join_info->>'callerPid')::bigint = $1`, callerPid);
  }

  /** Processes called by `pid` (`caller_pid`), by pid (indexed). */
  callees(pid: number): Promise<Pcb[]> {
    return this.list('caller_pid = $1', pid);
  }

  /** The current context frame of `pid` (read with its lock by {@link get}, else now), null when it has none. */
  async frame(pid: number): Promise<ContextFrame | null> {
    if (this.frames.has(pid)) return this.frames.get(pid) ?? null;
    const rows = await this.tx.query<{ frame: ContextFrame }[]>('SELECT frame FROM process_frames WHERE pid = $1', [
      pid,
    ]);
    return rows[0]?.frame ?? null;
  }

  /** The business entity `ref` (type, id, label, attributes), null when missing; read once per command. */
  async entity(ref: EntityRef): Promise<EntityView | null> {
    const key = entityKey(ref);
    if (this.entities.has(key)) return this.entities.get(key) ?? null;
    const rows = await this.tx.query<
      { type: string; id: string; label: string; attributes: Record<string, unknown> }[]
    >('SELECT type, id, label, attributes FROM entities WHERE type = $1 AND id = $2', [ref.type, ref.id]);
    this.entities.set(key, rows[0] ?? null);
    return rows[0] ?? null;
  }

  /** Creates a business entity in the command's transaction (rules and labels then need no read of it). */
  async createEntity(view: EntityView): Promise<void> {
    // Two commands may create the same named entity at once (events naming a device): the first one wins.
    await this.tx.query(
      'INSERT INTO entities (type, id, label, attributes) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
      [view.type, view.id, view.label, JSON.stringify(view.attributes)],
    );
    this.entities.set(entityKey(view), view);
  }

  /** The label of an entity read or noted in this command (undefined when it was never read). */
  knownEntityLabel(ref: EntityRef): string | null | undefined {
    const key = entityKey(ref);
    return this.entities.has(key) ? (this.entities.get(key)?.label ?? null) : undefined;
  }

  /** The operator `key` (key, label, roles), null when missing; once per command. */
  async operator(key: string): Promise<OperatorView | null> {
    if (this.operators.has(key)) return this.operators.get(key) ?? null;
    const found = this.operatorLookup
      ? await this.operatorLookup(key)
      : ((await this.tx.query<OperatorView[]>('SELECT key, label, roles FROM operators WHERE key = $1', [key]))[0] ??
        null);
    this.operators.set(key, found);
    return found;
  }
}
