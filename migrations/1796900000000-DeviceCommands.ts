import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The hardware adapter's command ledger (reference/decks.md §3.4): one row per command sent to a device, by its
 * command id (the hop's job id). The row is written `sending` (with `deliveries` + 1) BEFORE the command goes out,
 * so that after an adapter crash a non-idempotent command whose row is still `sending` is known to have an unknown
 * outcome and is not sent again. Owned by `apps/hardware-adapter`; the kernel never reads it.
 */
export class DeviceCommands1796900000000 implements MigrationInterface {
  name = 'DeviceCommands1796900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE device_commands (
        command_id text PRIMARY KEY,
        device text NOT NULL,
        name text NOT NULL,
        state text NOT NULL CHECK (state IN ('sending', 'acked', 'done', 'failed')),
        deliveries integer NOT NULL DEFAULT 0,
        result jsonb,
        updated_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE INDEX device_commands_device ON device_commands (device, updated_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE device_commands`);
  }
}
