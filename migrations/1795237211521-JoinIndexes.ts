import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for the kernel's join lookups (`PgProcessStore`): `callees(pid)` reads `caller_pid = $1`, and
 * `joinGroup(callerPid)` reads `(join_info->>'callerPid')::bigint = $1` — without them both scan `processes`
 * inside a command's transaction. The expression index matches the store's expression exactly, so the
 * planner can use it. `down` drops both.
 */
export class JoinIndexes1795237211521 implements MigrationInterface {
  name = 'JoinIndexes1795237211521';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX processes_caller_pid_idx ON processes (caller_pid)`);
    await queryRunner.query(
      `CREATE INDEX processes_join_caller_pid_idx ON processes (((join_info->>'callerPid')::bigint))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX processes_join_caller_pid_idx`);
    await queryRunner.query(`DROP INDEX processes_caller_pid_idx`);
  }
}
