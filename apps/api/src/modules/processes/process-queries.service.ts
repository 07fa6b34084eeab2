import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { rolesAllowing } from '@opkernel/kernel';
import type { Pcb } from '@opkernel/kernel';
import type { AuthenticatedOperator } from '../auth/types/authenticated-operator.type';
import { DesignRegistry } from '../designs/design-registry.service';
import { encodeProcessCursor, type TaskCursor } from './dtos/keyset.dto';
import type { ListProcessesDto } from './dtos/process.dto';
import { rowToPcb, type ProcessRow } from './persistence/process-row';
import { FormRedactor } from './form-redaction';
import { ProcessReadPolicy, type ReadScope } from './process-read.policy';
import { toProcessView, type ProcessView } from './process-view';

type LabelledRow = ProcessRow & { entity_label: string | null };

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

/** Options of {@link ProcessQueries.taskPage}. */
export type TaskPageOptions = {
  /** Keep only the rows this read scope may see ({@link ProcessReadPolicy}); omitted = no filter (internal use). */
  scope?: ReadScope;
  /** Rows per page, ≥ 1 (the caller bounds it, see `PAGE_LIMIT`). */
  limit: number;
  /** The previous page's last key; null for the first page. */
  after: TaskCursor | null;
};

/** One keyset page: its rows and the key to continue after (null on the last page). */
export type KeysetPage<C> = { items: ProcessView[]; next: C | null };

/** Options of {@link ProcessQueries.select}. */
export type SelectOptions = {
  /** ORDER BY over `processes p`. @default 'p.pid' */
  order?: string;
  limit?: number;
  offset?: number;
  /** Keep only the rows this read scope may see ({@link ProcessReadPolicy}); omitted = no filter (internal use). */
  scope?: ReadScope;
};

/** The short form of a related process in {@link ProcessWithRelations}. */
export type ProcessBrief = Pick<ProcessView, 'pid' | 'service' | 'serviceLabel' | 'state' | 'kind' | 'assignee'>;

/** A process with its parent, previous step and children (each null / left out when not readable). */
export type ProcessWithRelations = ProcessView & {
  parent: ProcessBrief | null;
  previous: ProcessBrief | null;
  children: ProcessBrief[];
};

/** One audit row of a process. Times are ISO-8601. */
export type ProcessEventView = {
  id: number;
  actor: string | null;
  action: string;
  fromState: string | null;
  toState: string | null;
  cause: unknown;
  details: unknown;
  at: string;
};

/** One context snapshot: version, SHA-256 of the canonical content, the content, ISO-8601 creation time. */
/**
 * One context snapshot: version, SHA-256 of the canonical content (null when the reader sees it redacted: a hash
 * of the hidden values would let them be guessed), the content, ISO-8601 creation time.
 */
export type ProcessSnapshotView = { version: number; hash: string | null; content: unknown; createdAt: string };

/**
 * A page of processes. Page-based form: `total` counts the readable matches and `page` is the page asked for;
 * keyset form: both null (not counted). `nextCursor` continues after the last item in both (null on the last page).
 */
export type ProcessPage = {
  items: ProcessView[];
  total: number | null;
  page: number | null;
  pageSize: number;
  nextCursor: string | null;
};

/**
 * Read side of processes: lists, one process with its relations, audit trail, snapshots. Plain SQL, no locks.
 * Every method that takes an operator applies {@link ProcessReadPolicy}: customers get a 403 problem; staff
 * see only the processes the policy allows — an invisible process is answered like a missing one (null).
 */
@Injectable()
export class ProcessQueries {
  constructor(
    private readonly db: DataSource,
    private readonly designs: DesignRegistry,
    private readonly policy: ProcessReadPolicy,
  ) {}

  /**
   * Rows → views with the service label (of each row's design version) and the entity label; with a read scope,
   * form data of services the reader's roles do not allow is redacted ({@link ProcessReadPolicy}).
   */
  async views(rows: LabelledRow[], scope?: ReadScope): Promise<ProcessView[]> {
    const out: ProcessView[] = [];
    for (const r of rows) {
      const pcb = rowToPcb(r);
      const index = await this.designs.get(pcb.designVersion);
      const view = toProcessView(pcb, { service: index.services.get(pcb.service)?.label, entity: r.entity_label });
      out.push(scope ? await this.redacted(view, scope) : view);
    }
    return out;
  }

  /** `view` with its form data redacted unless `scope` may see forms of its service. */
  async redacted(view: ProcessView, scope: ReadScope): Promise<ProcessView> {
    const visible = await this.policy.formVisibility(scope, view.designVersion);
    if (view.formData === null || visible.sees(view.service)) return view;
    return { ...view, formData: new FormRedactor(visible).form(view.formData) as Record<string, unknown> };
  }

  /**
   * The committed view of `pcb` (read back by pid, with labels); `toProcessView(pcb)` without labels when the
   * row is not visible to this connection. Not filtered (the caller was allowed to run the command), but with a
   * scope its form data is redacted like any read.
   */
  async view(pcb: Pcb, scope?: ReadScope): Promise<ProcessView> {
    const rows = await this.select('p.pid = $1', [pcb.pid]);
    const view = rows[0] ?? toProcessView(pcb);
    return scope ? this.redacted(view, scope) : view;
  }

  /**
   * Rows matching `where` over `processes p` (with entity labels), in `options.order`, optionally paged and
   * filtered by a read scope. `where` uses `$1…$n` for `params`; the scope's parameters are appended.
   */
  async select(where: string, params: unknown[], options: SelectOptions = {}): Promise<ProcessView[]> {
    const all = [...params];
    const visible = options.scope ? ` AND ${this.policy.where(options.scope, all)}` : '';
    const paging =
      options.limit !== undefined ? ` LIMIT ${Number(options.limit)} OFFSET ${Number(options.offset ?? 0)}` : '';
    const rows = await this.db.query<LabelledRow[]>(
      `SELECT p.*, e.label AS entity_label FROM processes p
       LEFT JOIN entities e ON e.type = p.entity_type AND e.id = p.entity_id
       WHERE (${where})${visible} ORDER BY ${options.order ?? 'p.pid'}${paging}`,
      all,
    );
    return this.views(rows, options.scope);
  }

  /**
   * One keyset page of an open-task list over `processes p` in {@link taskOrder}: the rows matching `where` (with
   * `$1…$n` for `params`) that `options.scope` may read, after `options.after` (see {@link taskPageQuery}).
   * @returns the page's views (form data redacted for the scope) and the key of its last row when more follow.
   */
  async taskPage(where: string, params: unknown[], options: TaskPageOptions): Promise<KeysetPage<TaskCursor>> {
    const query = this.taskPageQuery(where, params, options);
    const rows = await this.db.query<(LabelledRow & { cursor_at: string | null })[]>(query.sql, query.params);
    const more = rows.length > query.limit;
    const shown = more ? rows.slice(0, query.limit) : rows;
    const last = shown[shown.length - 1];
    return {
      items: await this.views(shown, options.scope),
      next: more && last ? { scheduledAt: last.cursor_at, priority: last.priority, pid: Number(last.pid) } : null,
    };
  }

  /**
   * The SQL {@link taskPage} runs (exported for EXPLAIN in tests and benchmarks): up to `limit + 1` rows, so a
   * further row tells that a next page exists. Index-bounded: "after a key" in this mixed-direction order is split
   * into up to four ranges — same time and priority, later pid; same time, lower priority; later time;
   * unscheduled — each an ordered index range read for at most `limit + 1` rows, so a page costs the same however
   * many rows come before it.
   * @returns the statement, its parameters and the page size it was built for.
   */
  taskPageQuery(
    where: string,
    params: unknown[],
    options: TaskPageOptions,
  ): { sql: string; params: unknown[]; limit: number } {
    const all = [...params];
    const visible = options.scope ? ` AND ${this.policy.where(options.scope, all)}` : '';
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
      `(SELECT p.* FROM processes p WHERE (${where})${visible} AND ${range} ORDER BY ${taskOrder('p')} LIMIT ${limit + 1})`;
    const sql = `SELECT q.*, e.label AS entity_label, ${EXACT_SCHEDULED_AT('q')} AS cursor_at
       FROM (${ranges.map(branch).join(' UNION ALL ')}) q
       LEFT JOIN entities e ON e.type = q.entity_type AND e.id = q.entity_id
       ORDER BY ${taskOrder('q')} LIMIT ${limit + 1}`;
    return { sql, params: all, limit };
  }

  /**
   * The processes `operator` may read, newest first, filtered by state(s), service, entity and assignee.
   * Page-based form (`page`/`pageSize`): OFFSET paging and `total`, the readable matches (a count over every
   * match). Keyset form: the `limit` processes below the cursor's pid (an ordered primary-key range), not counted.
   * @throws ProblemException 403 for customers (non-staff operators).
   */
  async list(q: ListProcessesDto, operator: AuthenticatedOperator): Promise<ProcessPage> {
    const scope = await this.policy.scope(operator);
    const conds: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, v: unknown) => {
      params.push(v);
      conds.push(sql.replace('?', `$${params.length}`));
    };
    if (q.state) add('p.state = ANY(?)', q.state);
    if (q.service) add('p.service = ?', q.service);
    if (q.entityType) add('p.entity_type = ?', q.entityType);
    if (q.entityId) add('p.entity_id = ?', q.entityId);
    if (q.assignee) add('p.assignee = ?', q.assignee);
    const where = () => (conds.length ? conds.join(' AND ') : 'TRUE');
    const cursorAfter = (items: ProcessView[]) => encodeProcessCursor({ pid: items[items.length - 1]!.pid });

    if (q.paging.kind === 'keyset') {
      const { limit, after } = q.paging;
      if (after) add('p.pid < ?::bigint', after.pid);
      const rows = await this.select(where(), params, { order: 'p.pid DESC', limit: limit + 1, scope });
      const items = rows.slice(0, limit);
      const nextCursor = rows.length > limit ? cursorAfter(items) : null;
      return { items, total: null, page: null, pageSize: limit, nextCursor };
    }

    const { page, pageSize } = q.paging;
    const countParams = [...params];
    const visible = this.policy.where(scope, countParams);
    const total = Number(
      (
        await this.db.query<{ n: string }[]>(
          `SELECT count(*) AS n FROM processes p WHERE (${where()}) AND ${visible}`,
          countParams,
        )
      )[0]!.n,
    );
    const items = await this.select(where(), params, {
      order: 'p.pid DESC',
      limit: pageSize,
      offset: (page - 1) * pageSize,
      scope,
    });
    const nextCursor = items.length > 0 && page * pageSize < total ? cursorAfter(items) : null;
    return { items, total, page, pageSize, nextCursor };
  }

  /**
   * Process `pid` as `operator` may see it.
   * @returns the view, or null when it does not exist or is not readable (callers answer 404 for both).
   * @throws ProblemException 403 for customers.
   */
  /**
   * Staff operators a visible process could be transferred to: those holding a role that allows its service in
   * the process's design version (the current assignee excluded). Null when the process is not visible.
   */
  async transferCandidates(
    pid: number,
    operator: AuthenticatedOperator,
  ): Promise<{ key: string; label: string; roles: string[] }[] | null> {
    const p = await this.one(pid, operator);
    if (!p) return null;
    const allowed = rolesAllowing(await this.designs.get(p.designVersion), p.service);
    const rows = await this.db.query<{ key: string; label: string; roles: string[] }[]>(
      `SELECT key, label, roles FROM operators WHERE staff AND roles && $1::text[] AND key IS DISTINCT FROM $2 ORDER BY label, key`,
      [allowed, p.assignee],
    );
    return rows;
  }

  async one(pid: number, operator: AuthenticatedOperator): Promise<ProcessView | null> {
    return (await this.select('p.pid = $1', [pid], { scope: await this.policy.scope(operator) }))[0] ?? null;
  }

  /**
   * Process `pid` WITHOUT the read policy, or null. Internal (e.g. form validation before a command that the
   * kernel authorizes); never answer a read request with it.
   */
  async find(pid: number): Promise<ProcessView | null> {
    return (await this.select('p.pid = $1', [pid]))[0] ?? null;
  }

  /**
   * A process with its parent, previous step and children, each in brief; relations `operator` may not read
   * are null (parent, previous) or left out (children).
   * @returns null when the process does not exist or is not readable.
   * @throws ProblemException 403 for customers.
   */
  async withRelations(pid: number, operator: AuthenticatedOperator): Promise<ProcessWithRelations | null> {
    const scope = await this.policy.scope(operator);
    const get = async (id: number) => (await this.select('p.pid = $1', [id], { scope }))[0] ?? null;
    const p = await get(pid);
    if (!p) return null;
    const parent = p.parentPid !== null ? await get(p.parentPid) : null;
    const previous = p.previousPid !== null ? await get(p.previousPid) : null;
    const children = await this.select('p.parent_pid = $1', [pid], { scope });
    const brief = (v: ProcessView): ProcessBrief => ({
      pid: v.pid,
      service: v.service,
      serviceLabel: v.serviceLabel,
      state: v.state,
      kind: v.kind,
      assignee: v.assignee,
    });
    return {
      ...p,
      parent: parent && brief(parent),
      previous: previous && brief(previous),
      children: children.map(brief),
    };
  }

  /**
   * The audit trail of process `pid`, oldest first.
   * @returns null when the process does not exist or is not readable by `operator`.
   * @throws ProblemException 403 for customers.
   */
  async events(pid: number, operator: AuthenticatedOperator): Promise<ProcessEventView[] | null> {
    if (!(await this.one(pid, operator))) return null;
    const rows = await this.db.query<
      {
        id: string;
        actor: string | null;
        action: string;
        from_state: string | null;
        to_state: string | null;
        cause: unknown;
        details: unknown;
        at: Date;
      }[]
    >(
      'SELECT id, actor, action, from_state, to_state, cause, details, at FROM process_events WHERE pid = $1 ORDER BY id',
      [pid],
    );
    return rows.map((r) => ({
      id: Number(r.id),
      actor: r.actor,
      action: r.action,
      fromState: r.from_state,
      toState: r.to_state,
      cause: r.cause,
      details: r.details,
      at: r.at.toISOString(),
    }));
  }

  /**
   * The context snapshots of process `pid`, by version; forms the reader may not see are redacted
   * ({@link ProcessReadPolicy}); `hash` is given only when nothing was redacted (an unsalted hash of the full
   * content would let hidden values be confirmed by guessing).
   * @returns null when the process does not exist or is not readable by `operator`.
   * @throws ProblemException 403 for customers.
   */
  async snapshots(pid: number, operator: AuthenticatedOperator): Promise<ProcessSnapshotView[] | null> {
    const scope = await this.policy.scope(operator);
    const p = (await this.select('p.pid = $1', [pid], { scope }))[0];
    if (!p) return null;
    const visible = await this.policy.formVisibility(scope, p.designVersion);
    const rows = await this.db.query<{ version: number; content: unknown; hash: string; created_at: Date }[]>(
      'SELECT version, content, hash, created_at FROM process_snapshots WHERE pid = $1 ORDER BY version',
      [pid],
    );
    return rows.map((r) => {
      const redactor = new FormRedactor(visible);
      const content = redactor.frame(r.content, p.service);
      const hash = redactor.hidden > 0 ? null : r.hash;
      return { version: r.version, hash, content, createdAt: r.created_at.toISOString() };
    });
  }
}
