import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { CalendarAttendance, CalendarLeaveView } from '@opkernel/contracts';

/** A stored calendar (without leaves): `tz` is its IANA time zone. */
export type CalendarRow = {
  key: string;
  label: string | null;
  tz: string;
  attendances: CalendarAttendance[];
  holidays: string[];
};

type LeaveRow = {
  id: string;
  calendar: string;
  operator: string | null;
  resource: string | null;
  lower: Date;
  upper: Date;
  reason: string | null;
  source: CalendarLeaveView['source'];
};

const toLeave = (r: LeaveRow): CalendarLeaveView => ({
  id: Number(r.id),
  calendar: r.calendar,
  operator: r.operator,
  resource: r.resource,
  from: r.lower.toISOString(),
  to: r.upper.toISOString(),
  reason: r.reason,
  source: r.source,
});

const LEAVE_COLUMNS =
  'id, calendar, operator, resource, lower(during) AS lower, upper(during) AS upper, reason, source';

/** An `UPDATE`/`DELETE … RETURNING` answers `[rows, affected]` through TypeORM. */
const returned = <T>(result: unknown): T[] => (result as [T[], number])[0] ?? [];

/**
 * The runtime calendars (`calendars`, `calendar_leaves`) and who uses them (`operator_state.calendar`,
 * `resources.calendar`). A design import writes the design's calendars; an admin manages them over `/calendars`.
 */
@Injectable()
export class CalendarsRepository {
  constructor(private readonly db: DataSource) {}

  /** Every calendar, by key. */
  calendars(): Promise<CalendarRow[]> {
    return this.db.query<CalendarRow[]>('SELECT key, label, tz, attendances, holidays FROM calendars ORDER BY key');
  }

  /** One calendar, or null. */
  async calendar(key: string): Promise<CalendarRow | null> {
    const rows = await this.db.query<CalendarRow[]>(
      'SELECT key, label, tz, attendances, holidays FROM calendars WHERE key = $1',
      [key],
    );
    return rows[0] ?? null;
  }

  /** Creates or replaces a calendar (its leaves stay). @returns true when it was created */
  async upsert(row: CalendarRow): Promise<boolean> {
    const rows = await this.db.query<{ created: boolean }[]>(
      `INSERT INTO calendars (key, label, tz, attendances, holidays) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (key) DO UPDATE SET label = EXCLUDED.label, tz = EXCLUDED.tz,
         attendances = EXCLUDED.attendances, holidays = EXCLUDED.holidays
       RETURNING (xmax = 0) AS created`,
      [row.key, row.label, row.tz, JSON.stringify(row.attendances), JSON.stringify(row.holidays)],
    );
    return rows[0]!.created;
  }

  /**
   * Deletes a calendar and its leaves unless an operator or resource uses it (checked in the same statement).
   * @returns whether it was deleted
   */
  async delete(key: string): Promise<boolean> {
    const rows = returned<{ key: string }>(
      await this.db.query(
        `DELETE FROM calendars c WHERE c.key = $1
           AND NOT EXISTS (SELECT 1 FROM operator_state s WHERE s.calendar = c.key)
           AND NOT EXISTS (SELECT 1 FROM resources r WHERE r.calendar = c.key)
         RETURNING c.key`,
        [key],
      ),
    );
    return rows.length > 0;
  }

  /** The operators and resources (keys, sorted) whose calendar is `key`. */
  async usedBy(key: string): Promise<{ operators: string[]; resources: string[] }> {
    const rows = await this.db.query<{ kind: 'operator' | 'resource'; key: string }[]>(
      `SELECT 'operator' AS kind, operator AS key FROM operator_state WHERE calendar = $1
       UNION ALL SELECT 'resource', key FROM resources WHERE calendar = $1 ORDER BY 1, 2`,
      [key],
    );
    return {
      operators: rows.filter((r) => r.kind === 'operator').map((r) => r.key),
      resources: rows.filter((r) => r.kind === 'resource').map((r) => r.key),
    };
  }

  /** The resource types of the resources on calendar `key`, or of resource `resource` (sorted, distinct). */
  async resourceTypes(key: string, resource: string | null = null): Promise<string[]> {
    const rows = await this.db.query<{ type: string }[]>(
      `SELECT DISTINCT type FROM resources WHERE ($2::text IS NULL AND calendar = $1) OR key = $2 ORDER BY type`,
      [key, resource],
    );
    return rows.map((r) => r.type);
  }

  /** The leaves of calendar `key`, by start. */
  async leaves(key: string): Promise<CalendarLeaveView[]> {
    const rows = await this.db.query<LeaveRow[]>(
      `SELECT ${LEAVE_COLUMNS} FROM calendar_leaves WHERE calendar = $1 ORDER BY lower(during), id`,
      [key],
    );
    return rows.map(toLeave);
  }

  /** Every leave that ends after `after` (the ones a calendar walk from then on can meet). */
  async leavesEndingAfter(after: Date): Promise<CalendarLeaveView[]> {
    const rows = await this.db.query<LeaveRow[]>(
      `SELECT ${LEAVE_COLUMNS} FROM calendar_leaves WHERE upper(during) > $1 ORDER BY lower(during), id`,
      [after.toISOString()],
    );
    return rows.map(toLeave);
  }

  /** Adds an admin's leave `[from, to)` to calendar `key` (of one operator or resource, or of the calendar). */
  async addLeave(
    key: string,
    leave: { operator: string | null; resource: string | null; from: string; to: string; reason: string | null },
  ): Promise<CalendarLeaveView> {
    const rows = await this.db.query<LeaveRow[]>(
      `INSERT INTO calendar_leaves (calendar, operator, resource, during, reason, source)
       VALUES ($1, $2, $3, tstzrange($4::timestamptz, $5::timestamptz), $6, 'admin') RETURNING ${LEAVE_COLUMNS}`,
      [key, leave.operator, leave.resource, leave.from, leave.to, leave.reason],
    );
    return toLeave(rows[0]!);
  }

  /** Deletes leave `id` of calendar `key`. @returns the deleted leave, or null when there is none */
  async deleteLeave(key: string, id: number): Promise<CalendarLeaveView | null> {
    const rows = returned<LeaveRow>(
      await this.db.query(`DELETE FROM calendar_leaves WHERE calendar = $1 AND id = $2 RETURNING ${LEAVE_COLUMNS}`, [
        key,
        id,
      ]),
    );
    return rows[0] ? toLeave(rows[0]) : null;
  }

  /** Whether an operator (by key) exists. */
  async operatorExists(key: string): Promise<boolean> {
    return (await this.db.query<unknown[]>('SELECT 1 FROM operators WHERE key = $1', [key])).length > 0;
  }

  /** Whether a resource (by key) exists. */
  async resourceExists(key: string): Promise<boolean> {
    return (await this.db.query<unknown[]>('SELECT 1 FROM resources WHERE key = $1', [key])).length > 0;
  }
}
