import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RevocationBus, revokeTokens } from '../../infra/revocation/revocation.bus';
import { unauthorized } from './auth.errors';
import type { LoginResponse } from './dtos/login.dto';
import { OperatorDirectory, type OperatorCredentials } from './operator-directory.service';
import { ACCESS_TOKEN_TTL_SECONDS, TokenService } from './token.service';

/** Refresh-token lifetime in seconds (12 h, one shift); each use rotates it. */
export const REFRESH_TOKEN_TTL_SECONDS = 12 * 60 * 60;

const sha256 = (secret: string) => createHash('sha256').update(secret).digest('hex');

/** Anything that runs parameterised SQL (a DataSource or a transaction's EntityManager). */
type Sql = { query<T = unknown>(sql: string, params?: unknown[]): Promise<T> };

/**
 * Sessions: an access token plus a rotating refresh token (OAuth 2.0 Security BCP, RFC 9700 §4.14: refresh-token
 * rotation with reuse detection). Refresh tokens are 32 random bytes (base64url), stored as SHA-256, bound to the
 * operator's token version; a used one is dead, and presenting it again revokes every session of the operator.
 * {@link revokeAll} bumps the token version (all access and refresh tokens die at once) and disconnects sockets.
 */
@Injectable()
export class SessionsService {
  constructor(
    private readonly db: DataSource,
    private readonly tokens: TokenService,
    private readonly directory: OperatorDirectory,
    private readonly revocations: RevocationBus,
  ) {}

  /** A new access + refresh token pair for `who` (at its current token version). */
  async issue(who: OperatorCredentials, sql: Sql = this.db): Promise<LoginResponse> {
    const refreshToken = randomBytes(32).toString('base64url');
    await sql.query(
      `INSERT INTO refresh_tokens (id, operator, token_hash, token_version, expires_at)
       VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))`,
      [randomUUID(), who.operator.key, sha256(refreshToken), who.tokenVersion, REFRESH_TOKEN_TTL_SECONDS],
    );
    const { operator } = who;
    return {
      accessToken: await this.tokens.issue(operator.username ?? operator.key, who.tokenVersion),
      tokenType: 'Bearer',
      expiresIn: ACCESS_TOKEN_TTL_SECONDS,
      refreshToken,
      refreshExpiresIn: REFRESH_TOKEN_TTL_SECONDS,
      operator: {
        key: operator.key,
        username: operator.username,
        label: operator.label,
        roles: operator.roles,
        admin: operator.admin,
      },
    };
  }

  /**
   * Exchanges a refresh token for a new pair; the presented one is used up. A refresh token presented a second
   * time (stolen, or replayed) revokes every session of its operator.
   * @throws ProblemException 401 for an unknown, expired, used or revoked refresh token, or a locked operator.
   */
  async refresh(refreshToken: string): Promise<LoginResponse> {
    type Outcome =
      { kind: 'error'; message: string } | { kind: 'reuse'; operator: string } | { kind: 'ok'; pair: LoginResponse };
    const outcome = await this.db.transaction(async (em): Promise<Outcome> => {
      const rows = await em.query<{ operator: string; token_version: number; used: boolean; expired: boolean }[]>(
        `SELECT operator, token_version, used_at IS NOT NULL AS used, expires_at <= now() AS expired
           FROM refresh_tokens WHERE token_hash = $1 FOR UPDATE`,
        [sha256(refreshToken)],
      );
      const row = rows[0];
      if (!row) return { kind: 'error', message: 'The refresh token is invalid' };
      if (row.used) return { kind: 'reuse', operator: row.operator };
      await em.query('UPDATE refresh_tokens SET used_at = now() WHERE token_hash = $1', [sha256(refreshToken)]);
      const who = await this.directory.credentialsByKey(row.operator);
      if (row.expired || !who || who.locked || who.tokenVersion !== row.token_version || !who.operator.username) {
        return { kind: 'error', message: 'The refresh token is expired or revoked' };
      }
      return { kind: 'ok', pair: await this.issue(who, em) };
    });
    if (outcome.kind === 'reuse') {
      await this.revokeAll([outcome.operator]);
      throw unauthorized('The refresh token was already used; every session of this operator has been revoked');
    }
    if (outcome.kind === 'error') throw unauthorized(outcome.message);
    return outcome.pair;
  }

  /**
   * Revokes every access and refresh token of `operatorKeys` (token version + 1) and, once `sql`'s transaction
   * (if any) has committed, disconnects their live sockets. Pass the caller's transaction to make the revocation
   * part of it; then call {@link notify} after commit.
   * @returns each operator's new token version, by key.
   */
  async revokeAll(operatorKeys: string[], sql?: Sql): Promise<Map<string, number>> {
    const versions = await revokeTokens(sql ?? this.db, operatorKeys);
    if (!sql) this.notify(operatorKeys);
    return versions;
  }

  /** Disconnects the live sockets of `operatorKeys` (after a committed revocation). */
  notify(operatorKeys: string[]): void {
    this.revocations.revoked(operatorKeys);
  }
}
