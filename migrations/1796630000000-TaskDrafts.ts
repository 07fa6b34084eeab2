import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Task drafts (issue 8 §4): `task_drafts` keeps the form data typed into an open task, one row per task, so it
 * survives a suspension, a reload or a closed tab. Written only by the task's assignee while it is RUNNING or
 * SUSPENDED; not part of the PCB, not audited, no rule sees it. A row goes with its process (`ON DELETE
 * CASCADE`) and is removed when the task terminates. Also `processes_previous_pid_idx`: the steps a step started
 * (what a suspended "request service" step waits for) are found by their `previous_pid`. `down` drops both.
 */
export class TaskDrafts1796630000000 implements MigrationInterface {
  name = 'TaskDrafts1796630000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE task_drafts (
        pid        bigint PRIMARY KEY CONSTRAINT task_drafts_pid_fkey REFERENCES processes (pid) ON DELETE CASCADE,
        form_data  jsonb NOT NULL,
        saved_by   text NOT NULL,
        saved_at   timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX processes_previous_pid_idx ON processes (previous_pid) WHERE previous_pid IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS processes_previous_pid_idx`);
    await q.query(`DROP TABLE IF EXISTS task_drafts`);
  }
}
