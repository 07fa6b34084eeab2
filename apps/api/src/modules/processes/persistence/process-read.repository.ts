import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ProcessDetail } from '@opkernel/contracts';
import type { SlaClock } from '@opkernel/kernel';
import type { TaskCursor } from '../dtos/keyset.dto';
import { ProcessReadPolicy, type ReadScope } from '../process-read.policy';
import type { ProcessRow } from './process-row';
import { rowToSlaClock, SLA_CLOCK_COLUMNS, type SlaClockRow } from './scheduler-rows';

/**
 * A `processes` row with its entity's label, its assignee's and creator's operator labels (null when unknown) and
 * its SLA clock's columns prefixed `sla__` (all null when it has none).
 */
export type LabelledRow = ProcessRow & {
  entity_label: string | null;
  assignee_label: string | null;
  creator_label: string | null;
} & { [K in keyof SlaClockRow as `sla__${K}`]: SlaClockRow[K] | null };

/** The joins that label a process row `alias` (entity, assignee, creator) and bring its SLA clock (all by key). */
const LABEL_JOINS = (alias: string) => `
       LEFT JOIN entities e ON e.type = ${alias}.entity_type AND e.id = ${alias}.entity_id
       LEFT JOIN operators oa ON oa.key = ${alias}.assignee
       LEFT JOIN operators oc ON oc.key = ${alias}.creator
       LEFT JOIN sla_clocks s ON s.pid = ${alias}.pid`;
/** The columns {@link LABEL_JOINS} add to a {@link LabelledRow}. */
const LABEL_COLUMNS = [
  'e.label AS entity_label',
  'oa.label AS assignee_label',
  'oc.label AS creator_label',
  ...SLA_CLOCK_COLUMNS.split(', ').map((c) => `s.${c} AS sla__${c}`),
].join(', ');

/** The SLA clock columns of a {@link LabelledRow}, or null when it has none. */
export function slaClockOf(r: LabelledRow): SlaClock | null {
  if (r.sla__sla === null) return null;
  return rowToSlaClock({
    sla: r.sla__sla,
    status: r.sla__status!,
    elapsed_ms: r.sla__elapsed_ms!,
    resumed_at: r.sla__resumed_at,
    next_milestone: r.sla__next_milestone,
    next_due_at: r.sla__next_due_at,
    passed_count: r.sla__passed_count!,
    breached: r.sla__breached!,
  });
}

/** The two open-task lists. */
export type TaskList = 'mine' | 'pool';

/** Who a task list is for: the operator's key and roles (admins' pool has every unassigned open task). */
export type TaskListReader = { key: string; roles: string[]; admin: boolean };

/** Options of a keyset page of a task list. */
export type TaskPageOptions = {
  /**
   * The reader's read scope ({@link ProcessReadPolicy}). It adds no condition: each list's filter is itself one of
   * the policy's clauses — my tasks (I am the assignee), my pool (one of my roles is a candidate), an admin's pool
   * (admins read all) — so every row is readable, and the plan stays on the lists' partial indexes.
   */
  scope?: ReadScope;
  /** Rows per page, ≥ 1 (the caller bounds it, see `PAGE_LIMIT`). */
  limit: number;
  /** The previous page's last key; null for the first page. */
  after: TaskCursor | null;
};

/** Filters of the process list (`GET /processes`). */
export type ProcessFilters = {
  state?: string[];
  service?: string;
  entityType?: string;
  entityId?: string;
  assignee?: string;
};

/** Paging of the process list: keyset (below a pid) or page-based (OFFSET, with a count). */
export type ProcessPaging =
  { kind: 'keyset'; limit: number; afterPid: number | null } | { kind: 'page'; page: number; pageSize: number };

const OPEN = `p.state <> 'TERMINATED'`;

/**
 * The order of task lists over alias `alias`: today/overdue first — by scheduled time (unscheduled last), then
 * priority (high first), then age. The partial indexes of migration `OpenTaskIndexes1796300000000` have exactly
 * these columns and directions.
 */
export const taskOrder = (alias = 'p') =>
  `${alias}.scheduled_at ASC NULLS LAST, ${alias}.priority DESC, ${alias}.pid ASC`;

/**
 * `scheduled_at` as exact text (microseconds, UTC), what a {@link TaskCursor} carries: JavaScript dates would
 * drop the microseconds and a keyset comparison would then skip or repeat rows.
 */
const EXACT_SCHEDULED_AT = (alias: string) =>
  `to_char(${alias}.scheduled_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/**
 * The WHERE clause (over `processes p`, `$1…` for `params`) of `/tasks/mine` (open tasks assigned to the reader)
 * or `/tasks/pool` (unassigned open tasks; for staff, those with one of their roles as a candidate). Written to
 * match the predicates of the partial indexes `processes_open_mine_idx` / `processes_open_pool_idx` literally.
 */
export function taskListFilter(list: TaskList, reader: TaskListReader): { where: string; params: unknown[] } {
  if (list === 'mine') return { where: `p.kind = 'task' AND ${OPEN} AND p.assignee = $1`, params: [reader.key] };
  if (reader.admin) return { where: `p.kind = 'task' AND ${OPEN} AND p.assignee IS NULL`, params: [] };
  return {
    where: `p.kind = 'task' AND ${OPEN} AND p.assignee IS NULL AND p.candidate_roles && $1::text[]`,
    params: [reader.roles],
  };
}

/**
 * The read side's SQL over `processes` (with entity labels), `process_snapshots` and the staff who could take a
 * task: every query the REST reads run, each filtered by a read scope's SQL form ({@link ProcessReadPolicy.where})
 * when one is given. No locks; rows come back as stored (mapping to views is `ProcessQueries`' job).
 */
@Injectable()
export class ProcessReadRepository {
  constructor(
    private readonly db: DataSource,
    private readonly policy: ProcessReadPolicy,
  ) {}

  /**
   * Rows matching `where` over `processes p`, in `order`, optionally limited and filtered by a read scope.
   * `where` uses `$1…$n` for `params`; the scope's parameters are appended.
   */
  private async rows(
    where: string,
    params: unknown[],
    options: { order?: string; limit?: number; offset?: number; scope?: ReadScope } = {},
  ): Promise<LabelledRow[]> {
    const all = [...params];
    const visible = options.scope ? ` AND ${this.policy.where(options.scope, all)}` : '';
    const paging =
      options.limit !== undefined ? ` LIMIT ${Number(options.limit)} OFFSET ${Number(options.offset ?? 0)}` : '';
    // Labels are joined to the page only (a skipped OFFSET row costs no lookups).
    const order = options.order ?? 'p.pid';
    return this.db.query<LabelledRow[]>(
      `SELECT p.*, ${LABEL_COLUMNS}
         FROM (SELECT p.* FROM processes p WHERE (${where})${visible} ORDER BY ${order}${paging}) p${LABEL_JOINS('p')}
        ORDER BY ${order}`,
      all,
    );
  }

  /** Process `pid` when it exists (and `scope`, if given, may read it), else null. */
  async byPid(pid: number, scope?: ReadScope): Promise<LabelledRow | null> {
    return (await this.rows('p.pid = $1', [pid], { scope }))[0] ?? null;
  }

  /** The SLA clocks of `pids` that have one, by pid (for pushes of processes already judged readable). */
  async slaClocks(pids: number[]): Promise<Map<number, SlaClock>> {
    const rows = await this.db.query<(SlaClockRow & { pid: string })[]>(
      `SELECT pid, ${SLA_CLOCK_COLUMNS} FROM sla_clocks WHERE pid = ANY($1::bigint[])`,
      [pids],
    );
    return new Map(rows.map((r) => [Number(r.pid), rowToSlaClock(r)]));
  }

  /** The resource slots booked for `pid`, newest first (call after the read policy). */
  async bookingsOf(pid: number): Promise<ProcessDetail['bookings']> {
    const rows = await this.db.query<
      {
        resource: string;
        slot: number;
        lower: Date;
        upper: Date;
        status: ProcessDetail['bookings'][number]['status'];
      }[]
    >(
      `SELECT resource, slot, lower(during) AS lower, upper(during) AS upper, status FROM bookings
        WHERE pid = $1 ORDER BY id DESC LIMIT 20`,
      [pid],
    );
    return rows.map((r) => ({
      resource: r.resource,
      slot: r.slot,
      from: r.lower.toISOString(),
      to: r.upper.toISOString(),
      status: r.status,
    }));
  }

  /** The children of `pid` that `scope` may read, by pid. */
  childrenOf(pid: number, scope: ReadScope): Promise<LabelledRow[]> {
    return this.rows('p.parent_pid = $1', [pid], { scope });
  }

  /** Every process of one business entity that `scope` may read, by pid. */
  ofEntity(type: string, id: string, scope: ReadScope): Promise<LabelledRow[]> {
    return this.rows('p.entity_type = $1 AND p.entity_id = $2', [type, id], { order: 'p.pid ASC', scope });
  }

  /**
   * One keyset page of a task list in {@link taskOrder} (see {@link taskPageQuery}).
   * @returns the page's rows and the key of its last row when more follow.
   */
  async taskPage(
    list: TaskList,
    reader: TaskListReader,
    options: TaskPageOptions,
  ): Promise<{ rows: LabelledRow[]; next: TaskCursor | null }> {
    const query = this.taskPageQuery(list, reader, options);
    const rows = await this.db.query<(LabelledRow & { cursor_at: string | null })[]>(query.sql, query.params);
    const more = rows.length > query.limit;
    const shown = more ? rows.slice(0, query.limit) : rows;
    const last = shown[shown.length - 1];
    return {
      rows: shown,
      next: more && last ? { scheduledAt: last.cursor_at, priority: last.priority, pid: Number(last.pid) } : null,
    };
  }

  /**
   * The SQL {@link taskPage} runs (exposed for EXPLAIN in tests and benchmarks): up to `limit + 1` rows, so a
   * further row tells that a next page exists. Index-bounded: "after a key" in this mixed-direction order is split
   * into up to four ranges — same time and priority, later pid; same time, lower priority; later time;
   * unscheduled — each an ordered index range read for at most `limit + 1` rows, so a page costs the same however
   * many rows come before it.
   * @returns the statement, its parameters and the page size it was built for.
   */
  taskPageQuery(
    list: TaskList,
    reader: TaskListReader,
    options: TaskPageOptions,
  ): { sql: string; params: unknown[]; limit: number } {
    const { where, params } = taskListFilter(list, reader);
    const all = [...params];
    // No read-policy condition: each list's own filter is one of the policy's clauses (see TaskPageOptions.scope).
    const $ = (value: unknown) => {
      all.push(value);
      return `$${all.length}`;
    };
    const ranges = ['TRUE'];
    const after = options.after;
    if (after) {
      const at = after.scheduledAt === null ? null : `${$(after.scheduledAt)}::timestamptz`;
      const sameTime = at === null ? 'p.scheduled_at IS NULL' : `p.scheduled_at = ${at}`;
      const priority = `${$(after.priority)}::int`;
      ranges.length = 0;
      ranges.push(`${sameTime} AND p.priority = ${priority} AND p.pid > ${$(after.pid)}::bigint`);
      ranges.push(`${sameTime} AND p.priority < ${priority}`);
      // After a scheduled key come the later times, then every unscheduled task (NULLS LAST).
      if (at !== null) ranges.push(`p.scheduled_at > ${at}`, 'p.scheduled_at IS NULL');
    }
    const limit = Math.max(1, Math.floor(options.limit));
    const branch = (range: string) =>
      `(SELECT p.* FROM processes p WHERE (${where}) AND ${range} ORDER BY ${taskOrder('p')} LIMIT ${limit + 1})`;
    const sql = `SELECT q.*, ${LABEL_COLUMNS}, ${EXACT_SCHEDULED_AT('q')} AS cursor_at
       FROM (${ranges.map(branch).join(' UNION ALL ')}) q${LABEL_JOINS('q')}
       ORDER BY ${taskOrder('q')} LIMIT ${limit + 1}`;
    return { sql, params: all, limit };
  }

  /**
   * A page of the process list that `scope` may read, newest first. Keyset: up to `limit + 1` rows below
   * `afterPid` (an ordered primary-key range; the extra row tells that more follow), not counted. Page-based:
   * OFFSET paging, with `total` counting every readable match.
   */
  async list(
    filters: ProcessFilters,
    paging: ProcessPaging,
    scope: ReadScope,
  ): Promise<{ rows: LabelledRow[]; total: number | null }> {
    const conds: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, v: unknown) => {
      params.push(v);
      conds.push(sql.replace('?', `$${params.length}`));
    };
    if (filters.state) add('p.state = ANY(?)', filters.state);
    if (filters.service) add('p.service = ?', filters.service);
    if (filters.entityType) add('p.entity_type = ?', filters.entityType);
    if (filters.entityId) add('p.entity_id = ?', filters.entityId);
    if (filters.assignee) add('p.assignee = ?', filters.assignee);
    const where = () => (conds.length ? conds.join(' AND ') : 'TRUE');
    if (paging.kind === 'keyset') {
      if (paging.afterPid !== null) add('p.pid < ?::bigint', paging.afterPid);
      const rows = await this.rows(where(), params, { order: 'p.pid DESC', limit: paging.limit + 1, scope });
      return { rows, total: null };
    }
    const countParams = [...params];
    const visible = this.policy.where(scope, countParams);
    const [{ n }] = await this.db.query<[{ n: string }]>(
      `SELECT count(*) AS n FROM processes p WHERE (${where()}) AND ${visible}`,
      countParams,
    );
    const rows = await this.rows(where(), params, {
      order: 'p.pid DESC',
      limit: paging.pageSize,
      offset: (paging.page - 1) * paging.pageSize,
      scope,
    });
    return { rows, total: Number(n) };
  }

  /** The context snapshots of `pid`, by version. */
  snapshots(pid: number): Promise<{ version: number; content: unknown; hash: string; created_at: Date }[]> {
    return this.db.query(
      'SELECT version, content, hash, created_at FROM process_snapshots WHERE pid = $1 ORDER BY version',
      [pid],
    );
  }

  /** Staff operators holding one of `roles`, except `exceptKey`, by label. */
  staffHolding(roles: string[], exceptKey: string | null): Promise<{ key: string; label: string; roles: string[] }[]> {
    return this.db.query(
      `SELECT key, label, roles FROM operators WHERE staff AND roles && $1::text[] AND key IS DISTINCT FROM $2 ORDER BY label, key`,
      [roles, exceptKey],
    );
  }
}
