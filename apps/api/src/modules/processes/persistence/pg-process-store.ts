import type { ContextFrame, EntityRef, EntityView, OperatorView, Pcb, ProcessStore } from '@opkernel/kernel';
import { rowToPcb, type ProcessRow } from './process-row';
import type { SqlRunner } from './sql-runner';

/**
 * The kernel's {@link ProcessStore} over PostgreSQL, bound to ONE transaction. `get` locks the row
 * (`FOR UPDATE`), so two commands on the same process serialize and the second sees the first's result
 * (e.g. a lost claim race answers ALREADY_CLAIMED instead of overwriting).
 */
export class PgProcessStore implements ProcessStore {
  /**
   * The hash of the last audit row of each process read by {@link get} (`processes.audit_head`, null: none yet),
   * read with the row lock, so the changeset writer can extend each audit hash chain without another query.
   */
  readonly auditHeads = new Map<number, string | null>();

  constructor(private readonly tx: SqlRunner) {}

  /** The process, locked `FOR UPDATE` until the transaction ends; null when missing. Notes its audit head. */
  async get(pid: number): Promise<Pcb | null> {
    const rows = await this.tx.query<(ProcessRow & { audit_head: string | null })[]>(
      'SELECT * FROM processes WHERE pid = $1 FOR UPDATE',
      [pid],
    );
    if (!rows[0]) return null;
    this.auditHeads.set(pid, rows[0].audit_head);
    return rowToPcb(rows[0]);
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

  /** The current context frame of `pid`, null when it has none. */
  async frame(pid: number): Promise<ContextFrame | null> {
    const rows = await this.tx.query<{ frame: ContextFrame }[]>('SELECT frame FROM process_frames WHERE pid = $1', [
      pid,
    ]);
    return rows[0]?.frame ?? null;
  }

  /** The business entity `ref` (type, id, label, attributes), null when missing. */
  async entity(ref: EntityRef): Promise<EntityView | null> {
    const rows = await this.tx.query<
      { type: string; id: string; label: string; attributes: Record<string, unknown> }[]
    >('SELECT type, id, label, attributes FROM entities WHERE type = $1 AND id = $2', [ref.type, ref.id]);
    return rows[0] ?? null;
  }

  /** The operator `key` (key, label, roles), null when missing. */
  async operator(key: string): Promise<OperatorView | null> {
    const rows = await this.tx.query<OperatorView[]>('SELECT key, label, roles FROM operators WHERE key = $1', [key]);
    return rows[0] ?? null;
  }

  /** A fresh pid from `process_pid_seq` (gaps after rollbacks are expected). */
  async nextPid(): Promise<number> {
    const rows = await this.tx.query<{ pid: string }[]>(`SELECT nextval('process_pid_seq') AS pid`);
    return Number(rows[0]!.pid);
  }
}
