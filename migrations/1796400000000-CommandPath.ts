import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The lean command path (issue 7):
 * - `outbox.claimed_until`: the outbox relay claims a batch with one `UPDATE … RETURNING` that leases the rows
 *   until then (instead of holding a transaction open while it delivers), and marks them dispatched afterwards; a
 *   relay that dies mid-delivery leaves rows whose lease runs out, and another relay delivers them again.
 * - `process_events.actor_kind`: what kind of actor did it (operator, integration, scheduler, timer, worker; null
 *   for the kernel's own rows and rows written before).
 * - `timers`: due timers set by commands (e.g. a process's deadline), fired once each by the timer sweep, which
 *   takes the earliest due row with `FOR UPDATE SKIP LOCKED` and deletes it in the transaction of the command
 *   that handles it.
 * `down` drops them.
 */
export class CommandPath1796400000000 implements MigrationInterface {
  name = 'CommandPath1796400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE outbox ADD COLUMN claimed_until timestamptz NULL`);
    await queryRunner.query(`ALTER TABLE process_events ADD COLUMN actor_kind text NULL`);
    await queryRunner.query(`
      CREATE TABLE timers (
        key         text PRIMARY KEY,
        pid         bigint NOT NULL CONSTRAINT timers_pid_fkey REFERENCES processes (pid),
        purpose     text NOT NULL,
        due_at      timestamptz NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX timers_due_at_idx ON timers (due_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE timers`);
    await queryRunner.query(`ALTER TABLE process_events DROP COLUMN actor_kind`);
    await queryRunner.query(`ALTER TABLE outbox DROP COLUMN claimed_until`);
  }
}
