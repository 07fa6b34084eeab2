import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Recurring schedules (reference/decks.md §2.8): `schedule_fires` records each fire of a design schedule once, by
 * `(schedule, fire_at)` — BullMQ's job schedulers may deliver a fire twice (after a restart, a quick upsert, or from
 * a stalled job), and every API process runs a worker, so the start claims its row in its own transaction and a
 * second delivery of the same fire time starts nothing. `pid` is the process the fire started.
 */
export class ScheduleFires1797050000000 implements MigrationInterface {
  name = 'ScheduleFires1797050000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE schedule_fires (
        schedule text NOT NULL,
        fire_at timestamptz NOT NULL,
        pid bigint REFERENCES processes (pid),
        fired_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (schedule, fire_at))`);
    // A fire records its pid in the transaction that creates the process, before the process row is written.
    await q.query(`ALTER TABLE schedule_fires ALTER CONSTRAINT schedule_fires_pid_fkey DEFERRABLE INITIALLY DEFERRED`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE schedule_fires`);
  }
}
