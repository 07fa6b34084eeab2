import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ApiTokenScope } from '@opkernel/contracts';
import type { ApiTokenPrincipal, AuthenticatedOperator } from './types/authenticated-operator.type';

/** Prefix of every integrator API token (so it is told apart from a JWT and found by secret scanners). */
export const API_TOKEN_PREFIX = 'opk_';

/** SHA-256 (hex) of an API token's secret: what `api_tokens.token_hash` stores. */
export const apiTokenHash = (token: string): string => createHash('sha256').update(token).digest('hex');

/** An authenticated API token and the integration actor it acts as. */
export type ApiTokenIdentity = { principal: ApiTokenPrincipal; operator: AuthenticatedOperator };

/**
 * Resolves integrator API tokens (`opk_…`): looked up by SHA-256, refused once revoked. The token acts as its
 * integration operator (an `operators` row `integration:<id>` labelled with the token's name, so the audit trail
 * names it) with administrator reach inside its scopes; `last_used_at` is updated at most once a minute.
 */
@Injectable()
export class ApiTokenAuthenticator {
  constructor(private readonly db: DataSource) {}

  /** The identity of a live API token, or null (unknown or revoked). */
  async authenticate(token: string): Promise<ApiTokenIdentity | null> {
    if (!token.startsWith(API_TOKEN_PREFIX)) return null;
    // An UPDATE answers [rows, affected] through TypeORM.
    const [rows] = await this.db.query<
      [{ id: string; name: string; scopes: ApiTokenScope[]; operator: string }[], number]
    >(
      `UPDATE api_tokens SET last_used_at = CASE
           WHEN last_used_at IS NULL OR last_used_at < now() - interval '1 minute' THEN now() ELSE last_used_at END
         WHERE token_hash = $1 AND revoked_at IS NULL
       RETURNING id, name, scopes, operator`,
      [apiTokenHash(token)],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      principal: { id: row.id, name: row.name, scopes: row.scopes },
      operator: { key: row.operator, username: null, label: row.name, roles: [], admin: true, staff: true },
    };
  }
}
