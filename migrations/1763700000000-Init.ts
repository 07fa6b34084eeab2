import type { MigrationInterface, QueryRunner } from 'typeorm';

const STATES = `'NEW','READY','RUNNING','WAITING','SUSPENDED','TERMINATED','ERROR'`;

/**
 * Initial schema: designs, operators, business entities, processes with their audit trail, frames and
 * snapshots, the outbox and idempotency keys. Hand-written SQL; `down` drops everything `up` created.
 */
export class Init1763700000000 implements MigrationInterface {
  name = 'Init1763700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE design_versions (
        version     serial PRIMARY KEY,
        name        text,
        hash        char(64) NOT NULL,
        document    jsonb NOT NULL,
        format      text NOT NULL,
        created_by  text NULL,
        created_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX design_versions_hash_idx ON design_versions (hash)`);

    await queryRunner.query(`
      CREATE TABLE operators (
        key            text PRIMARY KEY,
        username       text NULL CONSTRAINT operators_username_key UNIQUE,
        label          text NOT NULL,
        roles          text[] NOT NULL DEFAULT '{}',
        organisation   text NULL,
        staff          boolean NOT NULL DEFAULT false,
        admin          boolean NOT NULL DEFAULT false,
        related_staff  text NULL,
        password_hash  text NULL,
        external       jsonb NULL,
        created_at     timestamptz NOT NULL DEFAULT now(),
        updated_at     timestamptz NOT NULL DEFAULT now()
      )`);

    await queryRunner.query(`
      CREATE TABLE entities (
        type        text NOT NULL,
        id          text NOT NULL,
        label       text NOT NULL,
        attributes  jsonb NOT NULL DEFAULT '{}',
        created_at  timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT entities_pkey PRIMARY KEY (type, id)
      )`);

    await queryRunner.query(`CREATE SEQUENCE process_pid_seq`);
    await queryRunner.query(`
      CREATE TABLE processes (
        pid                bigint PRIMARY KEY DEFAULT nextval('process_pid_seq'),
        service            text NOT NULL,
        design_version     int NOT NULL CONSTRAINT processes_design_version_fkey REFERENCES design_versions (version),
        kind               text NOT NULL CONSTRAINT processes_kind_check CHECK (kind IN ('task','program','system')),
        state              text NOT NULL CONSTRAINT processes_state_check CHECK (state IN (${STATES})),
        priority           int NOT NULL DEFAULT 0,
        parent_pid         bigint NULL CONSTRAINT processes_parent_pid_fkey REFERENCES processes (pid),
        previous_pid       bigint NULL CONSTRAINT processes_previous_pid_fkey REFERENCES processes (pid),
        program            text NULL,
        caller_pid         bigint NULL CONSTRAINT processes_caller_pid_fkey REFERENCES processes (pid),
        join_info          jsonb NULL,
        entity_type        text NULL,
        entity_id          text NULL,
        assignee           text NULL CONSTRAINT processes_assignee_fkey REFERENCES operators (key) ON UPDATE CASCADE,
        candidate_roles    text[] NOT NULL DEFAULT '{}',
        creator            text NULL CONSTRAINT processes_creator_fkey REFERENCES operators (key) ON UPDATE CASCADE,
        scheduled_at       timestamptz NULL,
        deadline           timestamptz NULL,
        started_at         timestamptz NULL,
        ended_at           timestamptz NULL,
        wait_reason        text NULL,
        suspend_reason     text NULL,
        resume_state       text NULL CONSTRAINT processes_resume_state_check CHECK (resume_state IN (${STATES})),
        terminated_reason  text NULL CONSTRAINT processes_terminated_reason_value_check
                             CHECK (terminated_reason IN ('completed','cancelled','error')),
        form_data          jsonb NULL,
        version            int NOT NULL,
        created_at         timestamptz NOT NULL DEFAULT now(),
        updated_at         timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT processes_terminated_reason_check CHECK ((state = 'TERMINATED') = (terminated_reason IS NOT NULL))
      )`);
    await queryRunner.query(`ALTER SEQUENCE process_pid_seq OWNED BY processes.pid`);
    await queryRunner.query(`CREATE INDEX processes_state_idx ON processes (state)`);
    await queryRunner.query(`CREATE INDEX processes_assignee_state_idx ON processes (assignee, state)`);
    await queryRunner.query(`CREATE INDEX processes_entity_idx ON processes (entity_type, entity_id)`);
    await queryRunner.query(`CREATE INDEX processes_parent_pid_idx ON processes (parent_pid)`);
    await queryRunner.query(`CREATE INDEX processes_service_idx ON processes (service)`);
    await queryRunner.query(`CREATE INDEX processes_candidate_roles_idx ON processes USING gin (candidate_roles)`);

    await queryRunner.query(`
      CREATE TABLE process_events (
        id          bigserial PRIMARY KEY,
        pid         bigint NOT NULL CONSTRAINT process_events_pid_fkey REFERENCES processes (pid),
        actor       text NULL,
        action      text NOT NULL,
        from_state  text NULL,
        to_state    text NULL,
        cause       jsonb NULL,
        details     jsonb NULL,
        at          timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX process_events_pid_id_idx ON process_events (pid, id)`);

    await queryRunner.query(`
      CREATE TABLE process_frames (
        pid      bigint PRIMARY KEY CONSTRAINT process_frames_pid_fkey REFERENCES processes (pid),
        frame    jsonb NOT NULL,
        hash     char(64) NOT NULL,
        version  int NOT NULL
      )`);

    await queryRunner.query(`
      CREATE TABLE process_snapshots (
        pid         bigint NOT NULL CONSTRAINT process_snapshots_pid_fkey REFERENCES processes (pid),
        version     int NOT NULL,
        content     jsonb NOT NULL,
        hash        char(64) NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT process_snapshots_pkey PRIMARY KEY (pid, version)
      )`);

    await queryRunner.query(`
      CREATE TABLE outbox (
        id             bigserial PRIMARY KEY,
        topic          text NOT NULL,
        payload        jsonb NOT NULL,
        created_at     timestamptz NOT NULL DEFAULT now(),
        dispatched_at  timestamptz NULL,
        attempts       int NOT NULL DEFAULT 0
      )`);
    await queryRunner.query(`CREATE INDEX outbox_pending_idx ON outbox (id) WHERE dispatched_at IS NULL`);

    await queryRunner.query(`
      CREATE TABLE idempotency_keys (
        key           text PRIMARY KEY,
        operator      text NULL,
        request_hash  char(64) NOT NULL,
        response      jsonb NOT NULL,
        status        int NOT NULL,
        created_at    timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE idempotency_keys`);
    await queryRunner.query(`DROP TABLE outbox`);
    await queryRunner.query(`DROP TABLE process_snapshots`);
    await queryRunner.query(`DROP TABLE process_frames`);
    await queryRunner.query(`DROP TABLE process_events`);
    await queryRunner.query(`DROP TABLE processes`); // also drops process_pid_seq (OWNED BY)
    await queryRunner.query(`DROP SEQUENCE IF EXISTS process_pid_seq`);
    await queryRunner.query(`DROP TABLE entities`);
    await queryRunner.query(`DROP TABLE operators`);
    await queryRunner.query(`DROP TABLE design_versions`);
  }
}
