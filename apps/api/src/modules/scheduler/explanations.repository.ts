import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AssignmentExplanation, Explanation } from '@opkernel/contracts';

/** Reads of `assignment_explanations` ("why this task"); they are written by the changeset writer. */
@Injectable()
export class ExplanationsRepository {
  constructor(private readonly db: DataSource) {}

  /** The explanations of a task's assignments, newest first (at most `limit`). */
  async list(pid: number, limit = 20): Promise<AssignmentExplanation[]> {
    const rows = await this.db.query<{ pid: string; operator: string; mode: string; at: Date; factors: Explanation }[]>(
      `SELECT pid, operator, mode, at, factors FROM assignment_explanations
        WHERE pid = $1 ORDER BY id DESC LIMIT $2`,
      [pid, limit],
    );
    return rows.map((r) => ({
      pid: Number(r.pid),
      operator: r.operator,
      mode: r.mode,
      at: r.at.toISOString(),
      explanation: r.factors,
    }));
  }
}
