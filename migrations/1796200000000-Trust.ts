import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sessions, integrator tokens, login throttling and the audit hash chain:
 * - `operators.token_version` (bumped to revoke every token of an operator at once) and `locked_at`;
 * - `refresh_tokens`: rotating refresh tokens, stored as SHA-256 of the opaque secret;
 * - `api_tokens`: integrator tokens (SHA-256 of the secret, scopes, last use, revocation);
 * - `login_throttle`: the table of rate-limiter-flexible's `RateLimiterPostgres` (its own layout);
 * - `process_events.hash` / `prev_hash`: SHA-256 chain per process over the canonical (RFC 8785) row content, and
 *   `processes.audit_head`, the hash of each process's last row (read with the command's row lock).
 * `down` drops all of it.
 */
export class Trust1796200000000 implements MigrationInterface {
  name = 'Trust1796200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE operators ADD COLUMN token_version int NOT NULL DEFAULT 0`);
    await queryRunner.query(`ALTER TABLE operators ADD COLUMN locked_at timestamptz NULL`);
    await queryRunner.query(`
      CREATE TABLE refresh_tokens (
        id             uuid PRIMARY KEY,
        operator       text NOT NULL CONSTRAINT refresh_tokens_operator_fkey REFERENCES operators (key)
                         ON UPDATE CASCADE ON DELETE CASCADE,
        token_hash     char(64) NOT NULL CONSTRAINT refresh_tokens_token_hash_key UNIQUE,
        token_version  int NOT NULL,
        expires_at     timestamptz NOT NULL,
        used_at        timestamptz NULL,
        created_at     timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX refresh_tokens_operator_idx ON refresh_tokens (operator)`);
    await queryRunner.query(`
      CREATE TABLE api_tokens (
        id            uuid PRIMARY KEY,
        name          text NOT NULL,
        operator      text NOT NULL CONSTRAINT api_tokens_operator_fkey REFERENCES operators (key) ON UPDATE CASCADE,
        token_hash    char(64) NOT NULL CONSTRAINT api_tokens_token_hash_key UNIQUE,
        scopes        text[] NOT NULL,
        created_by    text NULL,
        created_at    timestamptz NOT NULL DEFAULT now(),
        last_used_at  timestamptz NULL,
        revoked_at    timestamptz NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE login_throttle (
        key     varchar(255) PRIMARY KEY,
        points  integer NOT NULL DEFAULT 0,
        expire  bigint
      )`);
    await queryRunner.query(`ALTER TABLE process_events ADD COLUMN prev_hash char(64) NULL`);
    await queryRunner.query(`ALTER TABLE process_events ADD COLUMN hash char(64) NULL`);
    // The head of each process's chain (its last audit row's hash), kept on the row the command locks anyway.
    await queryRunner.query(`ALTER TABLE processes ADD COLUMN audit_head char(64) NULL`);
    await queryRunner.query(`
      UPDATE processes p SET audit_head = (SELECT e.hash FROM process_events e WHERE e.pid = p.pid ORDER BY e.id DESC LIMIT 1)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE processes DROP COLUMN audit_head`);
    await queryRunner.query(`ALTER TABLE process_events DROP COLUMN hash`);
    await queryRunner.query(`ALTER TABLE process_events DROP COLUMN prev_hash`);
    await queryRunner.query(`DROP TABLE login_throttle`);
    await queryRunner.query(`DROP TABLE api_tokens`);
    await queryRunner.query(`DROP TABLE refresh_tokens`);
    await queryRunner.query(`ALTER TABLE operators DROP COLUMN locked_at`);
    await queryRunner.query(`ALTER TABLE operators DROP COLUMN token_version`);
  }
}
