import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `processes.skills_relaxed`: true once a task's additional skills were dropped (their `dropAfter` passed while
 * it waited, or an SLA's `relax_skills` action), so it waits in the relaxed lanes and is checked against them.
 */
export class SkillsRelaxed1796700000000 implements MigrationInterface {
  name = 'SkillsRelaxed1796700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE processes ADD COLUMN skills_relaxed boolean NOT NULL DEFAULT false`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE processes DROP COLUMN skills_relaxed`);
  }
}
