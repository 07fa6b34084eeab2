import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The scheduler (issue 8, reference/scheduler.md §1.2–1.3):
 * - PCB columns: `urgency` (0–100, raised by SLA milestones), `fairness_key` (whose share of a lane the task
 *   counts against), `queue_tag` (its fairness tag, kept for re-entry), `queued_ms` (time already queued before a
 *   re-entry), `weight` (the service's capacity weight), `wait_until` (when a resource wait retries).
 * - `ready_queue`: one row per lane a READY unassigned task waits in, ordered by `(lane, class, rank, pid)`; a
 *   second index finds a fairness key's last tag in a lane.
 * - `operator_state`: presence, load (Σ weight of assigned READY/RUNNING/WAITING tasks), capacity, calendar,
 *   skills, last assignment — one row per assignee key (like `processes.assignee`, not a foreign key: a row
 *   appears with an operator's first assignment), backfilled with the load of today's assignments.
 * - `assignment_explanations`: "why this task", one row per assignment.
 * - Resources, bookings (no two live bookings of one slot overlap: a `tstzrange` exclusion constraint), calendars
 *   and their leaves, fairness weights and SLA clocks.
 * `down` drops them.
 */
export class Scheduler1796500000000 implements MigrationInterface {
  name = 'Scheduler1796500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS btree_gist`);
    await q.query(`
      ALTER TABLE processes
        ADD COLUMN urgency int NOT NULL DEFAULT 0 CONSTRAINT processes_urgency_range CHECK (urgency BETWEEN 0 AND 100),
        ADD COLUMN fairness_key text NOT NULL DEFAULT '',
        ADD COLUMN queue_tag bigint NULL,
        ADD COLUMN queued_ms bigint NOT NULL DEFAULT 0,
        ADD COLUMN weight int NOT NULL DEFAULT 1 CONSTRAINT processes_weight_positive CHECK (weight > 0),
        ADD COLUMN wait_until timestamptz NULL`);
    await q.query(`
      CREATE TABLE ready_queue (
        lane            text NOT NULL,
        pid             bigint NOT NULL CONSTRAINT ready_queue_pid_fkey REFERENCES processes (pid) ON DELETE CASCADE,
        fairness_key    text NOT NULL DEFAULT '',
        class           int NOT NULL DEFAULT 0,
        rank            bigint NOT NULL,
        tag             bigint NOT NULL,
        weight          int NOT NULL DEFAULT 1,
        resource_types  text[] NOT NULL DEFAULT '{}',
        queued_at       timestamptz NOT NULL,
        PRIMARY KEY (lane, pid)
      ) WITH (fillfactor = 90, autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_insert_scale_factor = 0.01,
              autovacuum_vacuum_cost_delay = 0)`);
    await q.query(`CREATE INDEX ready_queue_dispatch ON ready_queue (lane, class, rank, pid)`);
    await q.query(`CREATE INDEX ready_queue_fair ON ready_queue (lane, fairness_key, tag DESC)`);
    await q.query(`CREATE INDEX ready_queue_pid ON ready_queue (pid)`);
    // Tasks waiting for rooms or machines, oldest tag first (woken when one frees).
    await q.query(`
      CREATE INDEX processes_resource_waits ON processes (queue_tag, pid)
       WHERE state = 'WAITING' AND wait_reason LIKE 'resource:%'`);
    // Today's open pool tasks wait in the lanes of their candidate roles (no skills yet: signature '').
    await q.query(`
      INSERT INTO ready_queue (lane, pid, rank, tag, queued_at)
      SELECT r.role || '|', p.pid,
             (extract(epoch FROM p.created_at) * 1000)::bigint + 1000 - p.priority::bigint * 60000,
             (extract(epoch FROM p.created_at) * 1000)::bigint + 1000, p.created_at
        FROM processes p CROSS JOIN LATERAL unnest(p.candidate_roles) AS r(role)
       WHERE p.kind = 'task' AND p.state = 'READY' AND p.assignee IS NULL
      ON CONFLICT DO NOTHING`);
    await q.query(`
      UPDATE processes SET queue_tag = (extract(epoch FROM created_at) * 1000)::bigint + 1000
       WHERE kind = 'task' AND state = 'READY' AND assignee IS NULL`);
    await q.query(`
      CREATE TABLE operator_state (
        operator          text PRIMARY KEY,
        presence          text NOT NULL DEFAULT 'available'
                          CONSTRAINT operator_state_presence CHECK (presence IN ('available', 'away', 'offline')),
        load              int NOT NULL DEFAULT 0,
        capacity          int NULL CONSTRAINT operator_state_capacity_positive CHECK (capacity > 0),
        calendar          text NULL,
        skills            jsonb NOT NULL DEFAULT '{}',
        last_assigned_at  timestamptz NULL
      )`);
    await q.query(`
      INSERT INTO operator_state (operator, load)
      SELECT k.key, COALESCE(sum(p.weight), 0)
        FROM (SELECT key FROM operators UNION SELECT DISTINCT assignee FROM processes WHERE assignee IS NOT NULL) k
        LEFT JOIN processes p ON p.assignee = k.key AND p.kind = 'task' AND p.state IN ('READY', 'RUNNING', 'WAITING')
       GROUP BY k.key`);
    await q.query(`
      CREATE TABLE operator_lanes (
        lane      text NOT NULL,
        operator  text NOT NULL,
        PRIMARY KEY (lane, operator)
      )`);
    await q.query(`
      CREATE TABLE assignment_explanations (
        id        bigserial PRIMARY KEY,
        pid       bigint NOT NULL CONSTRAINT assignment_explanations_pid_fkey REFERENCES processes (pid)
                  ON DELETE CASCADE,
        operator  text NOT NULL,
        mode      text NOT NULL,
        at        timestamptz NOT NULL,
        factors   jsonb NOT NULL
      )`);
    await q.query(`CREATE INDEX assignment_explanations_pid ON assignment_explanations (pid, id DESC)`);
    await q.query(`
      CREATE TABLE calendars (
        key          text PRIMARY KEY,
        tz           text NOT NULL,
        attendances  jsonb NOT NULL DEFAULT '[]',
        holidays     jsonb NOT NULL DEFAULT '[]'
      )`);
    await q.query(`
      CREATE TABLE calendar_leaves (
        id        bigserial PRIMARY KEY,
        calendar  text NULL,
        operator  text NULL,
        resource  text NULL,
        during    tstzrange NOT NULL,
        reason    text NULL,
        CONSTRAINT calendar_leaves_one_owner CHECK (num_nonnulls(calendar, operator, resource) = 1)
      )`);
    await q.query(`
      CREATE TABLE resources (
        key       text PRIMARY KEY,
        type      text NOT NULL,
        capacity  int NOT NULL CONSTRAINT resources_capacity_positive CHECK (capacity > 0),
        calendar  text NULL,
        state     text NOT NULL DEFAULT 'available'
                  CONSTRAINT resources_state CHECK (state IN ('available', 'blocked', 'retired'))
      )`);
    await q.query(`CREATE INDEX resources_type ON resources (type)`);
    await q.query(`
      CREATE TABLE bookings (
        id        bigserial PRIMARY KEY,
        resource  text NOT NULL CONSTRAINT bookings_resource_fkey REFERENCES resources (key) ON UPDATE CASCADE,
        slot      int NOT NULL,
        pid       bigint NULL CONSTRAINT bookings_pid_fkey REFERENCES processes (pid),
        during    tstzrange NOT NULL,
        note      text NULL,
        status    text NOT NULL
                  CONSTRAINT bookings_status CHECK (status IN ('held', 'active', 'released', 'cancelled')),
        CONSTRAINT bookings_no_overlap EXCLUDE USING gist (resource WITH =, slot WITH =, during WITH &&)
          WHERE (status IN ('held', 'active'))
      )`);
    await q.query(`CREATE INDEX bookings_pid ON bookings (pid) WHERE pid IS NOT NULL`);
    await q.query(`
      CREATE TABLE fairness_weights (
        key     text PRIMARY KEY,
        weight  real NOT NULL CONSTRAINT fairness_weights_range CHECK (weight > 0 AND weight <= 100)
      )`);
    await q.query(`
      CREATE TABLE sla_clocks (
        pid             bigint PRIMARY KEY CONSTRAINT sla_clocks_pid_fkey REFERENCES processes (pid) ON DELETE CASCADE,
        sla             text NOT NULL,
        status          text NOT NULL,
        elapsed_ms      bigint NOT NULL DEFAULT 0,
        resumed_at      timestamptz NULL,
        next_milestone  text NULL,
        next_due_at     timestamptz NULL,
        passed_count    int NOT NULL DEFAULT 0,
        breached        boolean NOT NULL DEFAULT false
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'sla_clocks',
      'fairness_weights',
      'bookings',
      'resources',
      'calendar_leaves',
      'calendars',
      'assignment_explanations',
      'operator_lanes',
      'operator_state',
      'ready_queue',
    ])
      await q.query(`DROP TABLE ${table}`);
    await q.query(`DROP INDEX processes_resource_waits`);
    await q.query(`
      ALTER TABLE processes DROP COLUMN urgency, DROP COLUMN fairness_key, DROP COLUMN queue_tag,
        DROP COLUMN queued_ms, DROP COLUMN weight, DROP COLUMN wait_until`);
  }
}
