import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** A `task_drafts` row as stored. */
export type TaskDraftRow = {
  pid: string | number;
  form_data: Record<string, unknown>;
  saved_by: string;
  saved_at: Date;
};

/** Task states in which a draft may be kept (worked or paused by its assignee). */
export const DRAFT_STATES = ['RUNNING', 'SUSPENDED'] as const;

/**
 * SQL of `task_drafts` (migration `TaskDrafts1796630000000`): one draft per task, written only while the task is
 * its writer's and RUNNING or SUSPENDED — the condition is part of the write, so a draft never outlives a
 * completion it raced with (the upsert waits for the command's row lock and re-checks).
 */
@Injectable()
export class TaskDraftsRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Stores `formData` as the draft of task `pid` when `operator` is its assignee and it is RUNNING or SUSPENDED.
   * @param savedAt epoch ms (the API clock)
   * @returns the stored row, or null when the condition does not hold (nothing written).
   */
  async put(
    pid: number,
    operator: string,
    formData: Record<string, unknown>,
    savedAt: number,
  ): Promise<TaskDraftRow | null> {
    const rows = await this.db.query<TaskDraftRow[]>(
      `INSERT INTO task_drafts (pid, form_data, saved_by, saved_at)
       (SELECT p.pid, $3::jsonb, $2, $4::timestamptz FROM processes p
         WHERE p.pid = $1 AND p.kind = 'task' AND p.assignee = $2 AND p.state = ANY($5::text[])
         FOR SHARE OF p)
       ON CONFLICT (pid) DO UPDATE
         SET form_data = EXCLUDED.form_data, saved_by = EXCLUDED.saved_by, saved_at = EXCLUDED.saved_at
       RETURNING pid, form_data, saved_by, saved_at`,
      [pid, operator, JSON.stringify(formData), new Date(savedAt), DRAFT_STATES],
    );
    return rows[0] ?? null;
  }

  /** The draft of task `pid` when `operator` is its assignee and it is RUNNING or SUSPENDED, else null. */
  async mine(pid: number, operator: string): Promise<TaskDraftRow | null> {
    const rows = await this.db.query<TaskDraftRow[]>(
      `SELECT d.pid, d.form_data, d.saved_by, d.saved_at FROM task_drafts d
         JOIN processes p ON p.pid = d.pid
        WHERE d.pid = $1 AND p.assignee = $2 AND p.state = ANY($3::text[])`,
      [pid, operator, DRAFT_STATES],
    );
    return rows[0] ?? null;
  }

  /** Removes the drafts of `pids` (their tasks terminated); a pid without one is skipped. */
  async remove(pids: number[]): Promise<void> {
    if (pids.length > 0) await this.db.query('DELETE FROM task_drafts WHERE pid = ANY($1::bigint[])', [pids]);
  }
}
