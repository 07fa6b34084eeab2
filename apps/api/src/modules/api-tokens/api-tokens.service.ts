import { randomBytes, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ApiTokenScope, ApiTokenView, CreatedApiToken } from '@opkernel/contracts';
import { ProblemException } from '../../infra/problem/problem.exception';
import { RevocationBus } from '../../infra/revocation/revocation.bus';
import { API_TOKEN_PREFIX, apiTokenHash } from '../auth/api-token-authenticator.service';

type TokenRow = {
  id: string;
  name: string;
  scopes: ApiTokenScope[];
  created_by: string | null;
  created_at: Date;
  last_used_at: Date | null;
};

const toView = (r: TokenRow): ApiTokenView => ({
  id: r.id,
  name: r.name,
  scopes: r.scopes,
  createdBy: r.created_by,
  createdAt: r.created_at.toISOString(),
  lastUsedAt: r.last_used_at?.toISOString() ?? null,
});

/**
 * Integrator API tokens (administrators): `opk_` + 32 random bytes (base64url), shown once and stored as SHA-256.
 * Each token acts as its own integration operator (`integration:<id>`, labelled with the token's name), so the
 * audit trail names the integration; revoking answers 401 to the token's very next request and disconnects its live sockets.
 */
@Injectable()
export class ApiTokensService {
  constructor(
    private readonly db: DataSource,
    private readonly revocations: RevocationBus,
  ) {}

  /** Live (not revoked) tokens, newest first. */
  async list(): Promise<ApiTokenView[]> {
    const rows = await this.db.query<TokenRow[]>(
      `SELECT id, name, scopes, created_by, created_at, last_used_at FROM api_tokens
        WHERE revoked_at IS NULL ORDER BY created_at DESC, id`,
    );
    return rows.map(toView);
  }

  /** Creates a token with `scopes` for the integration `name`; the answer is the only time the secret is shown. */
  async create(name: string, scopes: ApiTokenScope[], createdBy: string): Promise<CreatedApiToken> {
    const id = randomUUID();
    const token = `${API_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const operator = `integration:${id}`;
    const row = await this.db.transaction(async (em) => {
      await em.query(
        `INSERT INTO operators (key, username, label, roles, staff, admin) VALUES ($1, NULL, $2, '{}', true, false)`,
        [operator, name],
      );
      const rows = await em.query<TokenRow[]>(
        `INSERT INTO api_tokens (id, name, operator, token_hash, scopes, created_by) VALUES ($1, $2, $3, $4, $5, $6)
         RETURNING id, name, scopes, created_by, created_at, last_used_at`,
        [id, name, operator, apiTokenHash(token), [...new Set(scopes)], createdBy],
      );
      return rows[0]!;
    });
    return { ...toView(row), token };
  }

  /** Revokes token `id` (its next request answers 401). @throws ProblemException 404 for an unknown or revoked id. */
  async revoke(id: string): Promise<void> {
    const [rows] = await this.db.query<[{ operator: string }[], number]>(
      'UPDATE api_tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING operator',
      [id],
    );
    if (rows.length === 0) throw ProblemException.notFound(`no API token with id "${id}"`);
    this.revocations.revoked(rows.map((r) => r.operator)); // disconnects its live sockets
  }
}
