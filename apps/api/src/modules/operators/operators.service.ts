import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OperatorEntity } from '../../infra/database/entities/operator.entity';
import { ProblemException } from '../../infra/problem/problem.exception';
import { PasswordHasher } from '../auth/password-hasher.service';
import { PasswordPolicy } from '../auth/password-policy.service';
import { SessionsService } from '../auth/sessions.service';
import { DesignRegistry } from '../designs/design-registry.service';
import { toOperatorView, type OperatorView } from './dtos/operator-view.dto';
import { operatorNotFound } from './operators.errors';

/**
 * Administration of operators (Admin › Staff). Every change that affects what an operator may do — a new
 * password, other roles, a lock — revokes all their tokens in the same transaction and disconnects their sockets.
 */
@Injectable()
export class OperatorsService {
  constructor(
    private readonly db: DataSource,
    private readonly hasher: PasswordHasher,
    private readonly policy: PasswordPolicy,
    private readonly sessions: SessionsService,
    private readonly designs: DesignRegistry,
  ) {}

  /**
   * All people (staff and customers), by key. The integration actors of API tokens (`integration:<id>`; design
   * keys cannot contain `:`) are left out: they are managed under `/api-tokens`.
   */
  async list(): Promise<OperatorView[]> {
    const rows = await this.db
      .getRepository(OperatorEntity)
      .createQueryBuilder('o')
      .where(`o.key NOT LIKE 'integration:%'`)
      .orderBy('o.key', 'ASC')
      .getMany();
    return rows.map(toOperatorView);
  }

  private async one(key: string): Promise<OperatorEntity> {
    const row = await this.db.getRepository(OperatorEntity).findOne({ where: { key } });
    if (!row) throw operatorNotFound(key);
    return row;
  }

  /** Runs `change` on operator `key` with its token revocation in one transaction, then disconnects sockets. */
  private async changeAndRevoke(key: string, sql: string, params: unknown[]): Promise<OperatorView> {
    await this.db.transaction(async (em) => {
      const result = await em.query<[unknown[], number]>(sql, [key, ...params]);
      if (!result[1]) throw operatorNotFound(key);
      await this.sessions.revokeAll([key], em);
    });
    this.sessions.notify([key]);
    return toOperatorView(await this.one(key));
  }

  /**
   * Sets (or replaces) the password of operator `key` (only the argon2 hash is stored) and revokes their tokens.
   * @throws ProblemException 404 for an unknown key; 422 (field `password`) when the policy refuses it.
   */
  async setPassword(key: string, password: string): Promise<void> {
    const row = await this.one(key);
    this.policy.enforce(password, 'password', [row.username, row.label, row.key]);
    const hash = await this.hasher.hash(password);
    await this.changeAndRevoke(key, 'UPDATE operators SET password_hash = $2, updated_at = now() WHERE key = $1', [
      hash,
    ]);
  }

  /**
   * Replaces the roles of operator `key` and revokes their tokens (live rooms are re-joined on the next login).
   * @throws ProblemException 404 for an unknown key; 422 (field `roles`) for a role the current design lacks.
   */
  async setRoles(key: string, roles: string[]): Promise<OperatorView> {
    const current = await this.designs.current();
    const unknown = roles.filter((r) => !current?.index.roles.has(r));
    if (unknown.length > 0) {
      throw ProblemException.unprocessable(`unknown role(s): ${unknown.join(', ')}`, [
        { field: 'roles', message: `not roles of the current design: ${unknown.join(', ')}` },
      ]);
    }
    const distinct = [...new Set(roles)];
    return this.changeAndRevoke(key, 'UPDATE operators SET roles = $2, updated_at = now() WHERE key = $1', [distinct]);
  }

  /** Locks (`true`) or unlocks operator `key`; locking revokes every token. @throws ProblemException 404 */
  async setLocked(key: string, locked: boolean): Promise<OperatorView> {
    return this.changeAndRevoke(
      key,
      'UPDATE operators SET locked_at = CASE WHEN $2 THEN COALESCE(locked_at, now()) ELSE NULL END, updated_at = now() WHERE key = $1',
      [locked],
    );
  }
}
