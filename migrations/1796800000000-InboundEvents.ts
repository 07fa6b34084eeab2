import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The event ring (reference/decks.md §3.3): `inbound_events` keeps every event once, by `(source, event_id)` — a
 * redelivery is a duplicate; `event_starts` records each trigger an event started, once per trigger (its primary
 * key), with the process it started. An event with no start is listed as unmatched.
 */
export class InboundEvents1796800000000 implements MigrationInterface {
  name = 'InboundEvents1796800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE inbound_events (
        source text NOT NULL,
        event_id text NOT NULL,
        type text NOT NULL,
        correlation_key text,
        payload jsonb NOT NULL DEFAULT '{}'::jsonb,
        received_by text,
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (source, event_id))`);
    await q.query(`CREATE INDEX inbound_events_received ON inbound_events (received_at DESC)`);
    await q.query(`
      CREATE TABLE event_starts (
        source text NOT NULL,
        event_id text NOT NULL,
        trigger text NOT NULL,
        pid bigint REFERENCES processes (pid),
        PRIMARY KEY (source, event_id, trigger),
        FOREIGN KEY (source, event_id) REFERENCES inbound_events (source, event_id) ON DELETE CASCADE)`);
    // A start records its pid in the transaction that creates the process, before the process row is written.
    await q.query(`ALTER TABLE event_starts ALTER CONSTRAINT event_starts_pid_fkey DEFERRABLE INITIALLY DEFERRED`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE event_starts`);
    await q.query(`DROP TABLE inbound_events`);
  }
}
