import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Pcb } from '@opkernel/kernel';
import { DesignRegistry } from '../designs/design-registry.service';
import type { ListProcessesDto } from './dtos/process.dto';
import { rowToPcb, type ProcessRow } from './persistence/process-row';
import { toProcessView, type ProcessView } from './process-view';

type LabelledRow = ProcessRow & { entity_label: string | null };

/** Read side of processes: lists, one process with its relations, audit trail, snapshots. Plain SQL, no locks. */
@Injectable()
export class ProcessQueries {
  constructor(
    private readonly db: DataSource,
    private readonly designs: DesignRegistry,
  ) {}

  /** Views with service and entity labels. */
  async views(rows: LabelledRow[]): Promise<ProcessView[]> {
    const out: ProcessView[] = [];
    for (const r of rows) {
      const pcb = rowToPcb(r);
      const index = await this.designs.get(pcb.designVersion);
      out.push(toProcessView(pcb, { service: index.services.get(pcb.service)?.label, entity: r.entity_label }));
    }
    return out;
  }

  async view(pcb: Pcb): Promise<ProcessView> {
    const rows = await this.select('p.pid = $1', [pcb.pid]);
    return rows[0] ?? toProcessView(pcb);
  }

  /** Rows matching a WHERE clause over `processes p`, with entity labels, ordered as given. */
  async select(
    where: string,
    params: unknown[],
    order = 'p.pid',
    limit?: number,
    offset?: number,
  ): Promise<ProcessView[]> {
    const paging = limit !== undefined ? ` LIMIT ${Number(limit)} OFFSET ${Number(offset ?? 0)}` : '';
    const rows = await this.db.query<LabelledRow[]>(
      `SELECT p.*, e.label AS entity_label FROM processes p
       LEFT JOIN entities e ON e.type = p.entity_type AND e.id = p.entity_id
       WHERE ${where} ORDER BY ${order}${paging}`,
      params,
    );
    return this.views(rows);
  }

  async list(q: ListProcessesDto): Promise<{ items: ProcessView[]; total: number; page: number; pageSize: number }> {
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
    const where = conds.length ? conds.join(' AND ') : 'TRUE';
    const total = Number(
      (await this.db.query<{ n: string }[]>(`SELECT count(*) AS n FROM processes p WHERE ${where}`, params))[0]!.n,
    );
    const items = await this.select(where, params, 'p.pid DESC', q.pageSize, (q.page - 1) * q.pageSize);
    return { items, total, page: q.page, pageSize: q.pageSize };
  }

  async one(pid: number): Promise<ProcessView | null> {
    return (await this.select('p.pid = $1', [pid]))[0] ?? null;
  }

  /** A process with its parent, previous and children. */
  async withRelations(pid: number) {
    const p = await this.one(pid);
    if (!p) return null;
    const parent = p.parentPid !== null ? await this.one(p.parentPid) : null;
    const previous = p.previousPid !== null ? await this.one(p.previousPid) : null;
    const children = await this.select('p.parent_pid = $1', [pid]);
    const brief = (v: ProcessView | null) =>
      v && {
        pid: v.pid,
        service: v.service,
        serviceLabel: v.serviceLabel,
        state: v.state,
        kind: v.kind,
        assignee: v.assignee,
      };
    return { ...p, parent: brief(parent), previous: brief(previous), children: children.map(brief) };
  }

  async events(pid: number) {
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

  async snapshots(pid: number) {
    const rows = await this.db.query<{ version: number; content: unknown; hash: string; created_at: Date }[]>(
      'SELECT version, content, hash, created_at FROM process_snapshots WHERE pid = $1 ORDER BY version',
      [pid],
    );
    return rows.map((r) => ({
      version: r.version,
      hash: r.hash,
      content: r.content,
      createdAt: r.created_at.toISOString(),
    }));
  }
}
