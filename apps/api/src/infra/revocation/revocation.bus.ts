import { Injectable, Logger } from '@nestjs/common';

/** Called with the operator keys whose tokens were just revoked (after the revoking transaction committed). */
export type RevocationListener = (operatorKeys: string[]) => void;

/**
 * In-process notice that operators' tokens were revoked (token version bumped: password or role change, lock,
 * logout). The live gateway listens and disconnects those operators' sockets — across replicas, since socket.io's
 * Redis adapter broadcasts `disconnectSockets`. Requests need no notice: every request re-checks the token version.
 */
@Injectable()
export class RevocationBus {
  private readonly logger = new Logger('RevocationBus');
  private readonly listeners = new Set<RevocationListener>();

  /** Registers `listener`; returns the function that removes it. */
  subscribe(listener: RevocationListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Tells every listener that `operatorKeys` lost their tokens; a throwing listener is logged, not rethrown. */
  revoked(operatorKeys: string[]): void {
    if (operatorKeys.length === 0) return;
    for (const listener of this.listeners) {
      try {
        listener(operatorKeys);
      } catch (error) {
        this.logger.error(`revocation listener failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
}

/** Anything that runs parameterised SQL (a DataSource or a transaction's EntityManager). */
export type SqlExecutor = { query<T = unknown>(sql: string, params?: unknown[]): Promise<T> };

/**
 * Revokes every access and refresh token of `operatorKeys` inside `sql`'s transaction: the token version is
 * bumped (access tokens carry it and are compared on every request) and the refresh tokens are deleted. Call
 * {@link RevocationBus.revoked} after commit to disconnect their sockets.
 * @returns each operator's new token version, by key.
 */
export async function revokeTokens(sql: SqlExecutor, operatorKeys: string[]): Promise<Map<string, number>> {
  if (operatorKeys.length === 0) return new Map();
  // An UPDATE … RETURNING answers [rows, affected] through TypeORM.
  const [rows] = await sql.query<[{ key: string; token_version: number }[], number]>(
    'UPDATE operators SET token_version = token_version + 1 WHERE key = ANY($1::text[]) RETURNING key, token_version',
    [operatorKeys],
  );
  await sql.query('DELETE FROM refresh_tokens WHERE operator = ANY($1::text[])', [operatorKeys]);
  return new Map(rows.map((r) => [r.key, r.token_version]));
}
