import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { BookingView, ResourceView } from '@opkernel/contracts';

type BookingRow = {
  id: string;
  resource: string;
  slot: number;
  pid: string | null;
  lower: Date;
  upper: Date;
  status: BookingView['status'];
  note: string | null;
};

const toBooking = (r: BookingRow): BookingView => ({
  id: Number(r.id),
  resource: r.resource,
  slot: r.slot,
  pid: r.pid === null ? null : Number(r.pid),
  from: r.lower.toISOString(),
  to: r.upper.toISOString(),
  status: r.status,
  note: r.note,
});

/** The scheduler's rooms and machines and their bookings (the assignments book through the changeset writer). */
@Injectable()
export class ResourcesRepository {
  constructor(private readonly db: DataSource) {}

  /** Resources (of one type, or all) with the slots in use at `now` and when the first busy slot frees. */
  async list(type: string | null, now: Date): Promise<ResourceView[]> {
    const rows = await this.db.query<
      {
        key: string;
        label: string | null;
        type: string;
        capacity: number;
        calendar: string | null;
        state: ResourceView['state'];
        in_use: number;
        next_free: Date | null;
      }[]
    >(
      `SELECT r.key, r.label, r.type, r.capacity, r.calendar, r.state,
              (SELECT count(DISTINCT b.slot)::int FROM bookings b WHERE b.resource = r.key
                 AND b.status IN ('held', 'active') AND b.during @> $2::timestamptz) AS in_use,
              (SELECT min(upper(b.during)) FROM bookings b WHERE b.resource = r.key
                 AND b.status IN ('held', 'active') AND b.during @> $2::timestamptz) AS next_free
         FROM resources r WHERE ($1::text IS NULL OR r.type = $1) ORDER BY r.type, r.key`,
      [type, now.toISOString()],
    );
    return rows.map((r) => ({
      key: r.key,
      label: r.label,
      type: r.type,
      capacity: r.capacity,
      calendar: r.calendar,
      state: r.state,
      inUse: r.in_use,
      nextFreeAt: r.in_use >= r.capacity && r.next_free ? r.next_free.toISOString() : null,
    }));
  }

  /** Sets a resource's state; its type, or null when there is no such resource. */
  async setState(key: string, state: ResourceView['state']): Promise<string | null> {
    const rows = await this.db.query<{ type: string }[]>(
      'UPDATE resources SET state = $2 WHERE key = $1 RETURNING type',
      [key, state],
    );
    return (rows as unknown as [{ type: string }[], number])[0]?.[0]?.type ?? null;
  }

  /**
   * Changes a resource's label, capacity and/or calendar (absent = unchanged; calendar null = always open). A
   * capacity is refused, in the same statement, while a live booking (held or active, not yet ended at `now`)
   * holds a slot it would remove — the bookings' exclusion constraint counts slots 0…capacity−1.
   * @returns `updated` with the resource's type, `slotsInUse` (the highest live slot + 1) when the capacity was
   *   refused, or null when there is no such resource
   */
  async patch(
    key: string,
    change: { label?: string; capacity?: number; calendar?: string | null },
    now: Date,
  ): Promise<{ updated: true; type: string } | { updated: false; slotsInUse: number } | null> {
    const [rows] = (await this.db.query(
      `UPDATE resources r SET label = CASE WHEN $2::boolean THEN $3 ELSE r.label END,
              capacity = COALESCE($4, r.capacity),
              calendar = CASE WHEN $5::boolean THEN $6 ELSE r.calendar END
        WHERE r.key = $1 AND ($4::int IS NULL OR NOT EXISTS (
          SELECT 1 FROM bookings b WHERE b.resource = r.key AND b.slot >= $4 AND b.status IN ('held', 'active')
             AND upper(b.during) > $7::timestamptz))
        RETURNING r.type`,
      [
        key,
        change.label !== undefined,
        change.label ?? null,
        change.capacity ?? null,
        change.calendar !== undefined,
        change.calendar ?? null,
        now.toISOString(),
      ],
    )) as [{ type: string }[], number];
    if (rows[0]) return { updated: true, type: rows[0].type };
    const found = await this.db.query<{ slots: number | null }[]>(
      `SELECT (SELECT max(b.slot) + 1 FROM bookings b WHERE b.resource = r.key AND b.status IN ('held', 'active')
                AND upper(b.during) > $2::timestamptz) AS slots
         FROM resources r WHERE r.key = $1`,
      [key, now.toISOString()],
    );
    return found[0] ? { updated: false, slotsInUse: found[0].slots ?? 0 } : null;
  }

  /** Bookings of a resource overlapping `[from, to)`, by start. */
  async bookings(key: string, from: Date, to: Date): Promise<BookingView[]> {
    const rows = await this.db.query<BookingRow[]>(
      `SELECT id, resource, slot, pid, lower(during) AS lower, upper(during) AS upper, status, note FROM bookings
        WHERE resource = $1 AND during && tstzrange($2::timestamptz, $3::timestamptz) ORDER BY lower(during), slot`,
      [key, from.toISOString(), to.toISOString()],
    );
    return rows.map(toBooking);
  }

  /**
   * Books one slot over `[from, to)` for no process (held); the first slot free over the whole range when none is
   * named. @returns the booking, or null when the slot (or every slot) is taken (the exclusion constraint decides)
   */
  async book(key: string, capacity: number, from: Date, to: Date, slot: number | null, note: string | null) {
    const slots = slot === null ? Array.from({ length: capacity }, (_, i) => i) : [slot];
    for (const s of slots) {
      try {
        const rows = await this.db.query<BookingRow[]>(
          `INSERT INTO bookings (resource, slot, during, status, note)
           VALUES ($1, $2, tstzrange($3::timestamptz, $4::timestamptz), 'held', $5)
           RETURNING id, resource, slot, pid, lower(during) AS lower, upper(during) AS upper, status, note`,
          [key, s, from.toISOString(), to.toISOString(), note],
        );
        return toBooking(rows[0]!);
      } catch (e) {
        if ((e as { driverError?: { code?: string }; code?: string }).driverError?.code === '23P01') continue;
        throw e;
      }
    }
    return null;
  }

  /**
   * Cancels a live external booking (a task's bookings end with the task); its resource's type, or null when
   * there is no live external booking `id`.
   */
  async cancel(id: number): Promise<string | null> {
    const rows = await this.db.query<{ type: string }[]>(
      `UPDATE bookings b SET status = 'cancelled' FROM resources r
        WHERE b.id = $1 AND b.pid IS NULL AND b.status IN ('held', 'active') AND r.key = b.resource RETURNING r.type`,
      [id],
    );
    return (rows as unknown as [{ type: string }[], number])[0]?.[0]?.type ?? null;
  }
}
