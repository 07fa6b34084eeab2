import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The lean command path (issue 7):
 * - `outbox.claimed_until`: the outbox relay claims a batch with one `UPDATE … RETURNING` that leases the rows
 *   until then (instead of holding a transaction open while it delivers), and marks them dispatched afterwards; a
 *   relay that dies mid-delivery leaves rows whose lease runs out, and another relay delivers them again.
 * `down` drops the column.
 */
export class CommandPath1796400000000 implements MigrationInterface {
  name = 'CommandPath1796400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE outbox ADD COLUMN claimed_until timestamptz NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE outbox DROP COLUMN claimed_until`);
  }
}
