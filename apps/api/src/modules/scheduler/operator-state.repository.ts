import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** An `operator_state` row as the REST surface reads it. */
export type OperatorStateRow = {
  operator: string;
  presence: 'available' | 'away' | 'offline';
  load: number;
  capacity: number | null;
  calendar: string | null;
  skills: Record<string, number>;
  lastAssignedAt: Date | null;
};

/**
 * `operator_state` outside commands: presence, and the admin's changes of capacity, calendar and skills (commands
 * move load and last assignment through the changeset writer). A missing row is created on first write.
 */
@Injectable()
export class OperatorStateRepository {
  constructor(private readonly db: DataSource) {}

  /** The operator's row, null when they have none. */
  async get(operator: string): Promise<OperatorStateRow | null> {
    const rows = await this.db.query<
      {
        operator: string;
        presence: OperatorStateRow['presence'];
        load: number;
        capacity: number | null;
        calendar: string | null;
        skills: Record<string, number>;
        last_assigned_at: Date | null;
      }[]
    >(
      'SELECT operator, presence, load, capacity, calendar, skills, last_assigned_at FROM operator_state WHERE operator = $1',
      [operator],
    );
    const r = rows[0];
    return r ? { ...r, lastAssignedAt: r.last_assigned_at } : null;
  }

  /** The roles of an operator, null when there is no such operator. */
  async roles(operator: string): Promise<string[] | null> {
    const rows = await this.db.query<{ roles: string[] }[]>('SELECT roles FROM operators WHERE key = $1', [operator]);
    return rows[0]?.roles ?? null;
  }

  /** Sets one column (presence, capacity, calendar or skills) of the operator's row, creating it when missing. */
  async set(
    operator: string,
    column: 'presence' | 'capacity' | 'calendar' | 'skills',
    value: string | number | null,
  ): Promise<void> {
    // The column name comes from the closed union above, never from input.
    await this.db.query(
      `INSERT INTO operator_state (operator, ${column}) VALUES ($1, $2)
       ON CONFLICT (operator) DO UPDATE SET ${column} = EXCLUDED.${column}`,
      [operator, value],
    );
  }
}
