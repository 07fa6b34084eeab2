import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Partial indexes over open tasks for the task lists (`GET /tasks/mine`, `GET /tasks/pool`). Their predicates are
 * the lists' WHERE clauses (the planner proves the index applies only from the same literals) and their columns
 * the lists' order `scheduled_at ASC NULLS LAST, priority DESC, pid ASC`, so a page is an ordered index range
 * read that stops at LIMIT — its cost follows the open tasks, not the finished history:
 * - `processes_open_mine_idx`: assigned open tasks, by assignee (`assignee = $1`);
 * - `processes_open_pool_idx`: unassigned open tasks; a staff operator's `candidate_roles && $roles` filters
 *   this (small) range, administrators read it as is.
 * Plain CREATE INDEX inside the migration's transaction: it holds off writes to `processes` for one table scan
 * (about a second at a million rows). `down` drops both.
 */
export class OpenTaskIndexes1796300000000 implements MigrationInterface {
  name = 'OpenTaskIndexes1796300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE INDEX processes_open_mine_idx
        ON processes (assignee, scheduled_at ASC NULLS LAST, priority DESC, pid ASC)
        WHERE kind = 'task' AND state <> 'TERMINATED' AND assignee IS NOT NULL`);
    await queryRunner.query(`
      CREATE INDEX processes_open_pool_idx
        ON processes (scheduled_at ASC NULLS LAST, priority DESC, pid ASC)
        WHERE kind = 'task' AND state <> 'TERMINATED' AND assignee IS NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX processes_open_pool_idx`);
    await queryRunner.query(`DROP INDEX processes_open_mine_idx`);
  }
}
