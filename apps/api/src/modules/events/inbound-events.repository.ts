import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { PostEventBody } from '@opkernel/contracts';
import type { SqlRunner } from '../processes/persistence/sql-runner';

/** A stored event with what it started. */
export type EventRow = {
  source: string;
  event_id: string;
  type: string;
  correlation_key: string | null;
  payload: unknown;
  received_at: Date;
  received_by: string | null;
  started: { trigger: string; pid: number; service: string }[];
};

const SELECT_EVENTS = `
  SELECT e.source, e.event_id, e.type, e.correlation_key, e.payload, e.received_at, e.received_by,
         coalesce((SELECT jsonb_agg(jsonb_build_object('trigger', s.trigger, 'pid', s.pid, 'service', p.service)
                                    ORDER BY s.trigger)
                     FROM event_starts s JOIN processes p ON p.pid = s.pid
                    WHERE s.source = e.source AND s.event_id = e.event_id), '[]'::jsonb) AS started
    FROM inbound_events e`;

/** The event ring's tables: `inbound_events` (each event once) and `event_starts` (each trigger's start once). */
@Injectable()
export class InboundEventsRepository {
  constructor(private readonly db: DataSource) {}

  /** Stores an event unless `(source, eventId)` is known. @returns true when it is new */
  async receive(body: PostEventBody, by: string): Promise<boolean> {
    const rows = await this.db.query<unknown[]>(
      `INSERT INTO inbound_events (source, event_id, type, correlation_key, payload, received_by)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING 1`,
      [body.source, body.eventId, body.type, body.correlationKey ?? null, JSON.stringify(body.payload), by],
    );
    return rows.length > 0;
  }

  /**
   * Claims trigger `trigger`'s start for an event inside the start's own transaction: false when an earlier
   * delivery started it already (the primary key), so each trigger starts once.
   */
  async claimStart(tx: SqlRunner, source: string, eventId: string, trigger: string): Promise<boolean> {
    const rows = await tx.query<unknown[]>(
      `INSERT INTO event_starts (source, event_id, trigger) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING 1`,
      [source, eventId, trigger],
    );
    return rows.length > 0;
  }

  /** Records the process a claimed start created (same transaction; the process row is written before commit). */
  async started(tx: SqlRunner, source: string, eventId: string, trigger: string, pid: number): Promise<void> {
    await tx.query(`UPDATE event_starts SET pid = $4 WHERE source = $1 AND event_id = $2 AND trigger = $3`, [
      source,
      eventId,
      trigger,
      pid,
    ]);
  }

  /** One event with its starts, or null. */
  async one(source: string, eventId: string): Promise<EventRow | null> {
    const rows = await this.db.query<EventRow[]>(`${SELECT_EVENTS} WHERE e.source = $1 AND e.event_id = $2`, [
      source,
      eventId,
    ]);
    return rows[0] ?? null;
  }

  /** Events newest first (at most `limit`); `unmatched`: only those that started nothing. */
  async list(limit: number, unmatched: boolean): Promise<EventRow[]> {
    const where = unmatched
      ? `WHERE NOT EXISTS (SELECT 1 FROM event_starts s WHERE s.source = e.source AND s.event_id = e.event_id)`
      : '';
    return this.db.query<EventRow[]>(`${SELECT_EVENTS} ${where} ORDER BY e.received_at DESC LIMIT $1`, [limit]);
  }
}
