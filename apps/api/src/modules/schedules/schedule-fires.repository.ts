import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { SqlRunner } from '../processes/persistence/sql-runner';

/** A recorded fire of a schedule. */
export type FireRow = { schedule: string; fire_at: Date; pid: string | null; fired_at: Date };

/** `schedule_fires`: each fire of a design schedule once, by `(schedule, fire_at)`, with the process it started. */
@Injectable()
export class ScheduleFiresRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Claims the fire of `schedule` due at `fireAt` (epoch ms) inside the start's own transaction: false when another
   * delivery (another API process, a redelivered or duplicate job) claimed it already — it waits for that one's
   * transaction, so a rolled-back start leaves the fire to the next delivery.
   */
  async claim(tx: SqlRunner, schedule: string, fireAt: number): Promise<boolean> {
    const rows = await tx.query<unknown[]>(
      `INSERT INTO schedule_fires (schedule, fire_at) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1`,
      [schedule, new Date(fireAt)],
    );
    return rows.length > 0;
  }

  /** Records the process a claimed fire started (same transaction; the process row is written before commit). */
  async started(tx: SqlRunner, schedule: string, fireAt: number, pid: number): Promise<void> {
    await tx.query(`UPDATE schedule_fires SET pid = $3 WHERE schedule = $1 AND fire_at = $2`, [
      schedule,
      new Date(fireAt),
      pid,
    ]);
  }

  /**
   * Creates entity `type`/`id` with `label` unless it exists (a schedule's one entity, made at its first fire). Two
   * first fires at once both pass: the second waits for the first's insert and adds nothing.
   */
  async ensureEntity(tx: SqlRunner, type: string, id: string, label: string): Promise<void> {
    await tx.query(
      `INSERT INTO entities (type, id, label, attributes) VALUES ($1, $2, $3, '{}'::jsonb) ON CONFLICT DO NOTHING`,
      [type, id, label],
    );
  }

  /** The last `limit` fires of each schedule in `schedules`, newest first. */
  async last(schedules: readonly string[], limit: number): Promise<FireRow[]> {
    if (schedules.length === 0 || limit === 0) return [];
    return this.db.query<FireRow[]>(
      `SELECT schedule, fire_at, pid, fired_at FROM (
         SELECT f.*, row_number() OVER (PARTITION BY schedule ORDER BY fire_at DESC) AS n
           FROM schedule_fires f WHERE schedule = ANY($1)) ranked
        WHERE n <= $2 ORDER BY schedule, fire_at DESC`,
      [schedules, limit],
    );
  }
}
