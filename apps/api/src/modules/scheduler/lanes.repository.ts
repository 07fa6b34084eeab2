import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** Reads of the ready queue and fairness weights for the monitor and admins; `PUT` of a weight. */
@Injectable()
export class LanesRepository {
  constructor(private readonly db: DataSource) {}

  /** Each lane with waiting tasks: depth, oldest entry, and depth per fairness key. */
  async lanes(): Promise<{ lane: string; depth: number; oldest: Date | null; byKey: Record<string, number> }[]> {
    const rows = await this.db.query<
      { lane: string; depth: string; oldest: Date | null; by_key: Record<string, number> }[]
    >(
      `SELECT lane, sum(n)::bigint AS depth, min(oldest) AS oldest, jsonb_object_agg(fairness_key, n) AS by_key
         FROM (SELECT lane, fairness_key, count(*) AS n, min(queued_at) AS oldest
                 FROM ready_queue GROUP BY lane, fairness_key) k
        GROUP BY lane ORDER BY lane`,
    );
    return rows.map((r) => ({ lane: r.lane, depth: Number(r.depth), oldest: r.oldest, byKey: r.by_key }));
  }

  /** The fairness weights set (keys without one weigh 1). */
  async weights(): Promise<{ key: string; weight: number }[]> {
    return this.db.query(`SELECT key, weight::float8 AS weight FROM fairness_weights ORDER BY key`);
  }

  /** Sets a key's weight (later tags of the key use it). */
  async setWeight(key: string, weight: number): Promise<void> {
    await this.db.query(
      `INSERT INTO fairness_weights (key, weight) VALUES ($1, $2)
       ON CONFLICT (key) DO UPDATE SET weight = EXCLUDED.weight`,
      [key, weight],
    );
  }
}
