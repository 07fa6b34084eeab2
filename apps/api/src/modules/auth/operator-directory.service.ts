import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { OperatorEntity } from '../../infra/database/entities/operator.entity';
import type { AuthenticatedOperator } from './types/authenticated-operator.type';

/** An operator with what authentication checks: token version, lock and (for logins) the password hash. */
export type OperatorCredentials = {
  operator: AuthenticatedOperator;
  tokenVersion: number;
  locked: boolean;
  passwordHash: string | null;
};

/** Looks operators up for authentication. No caching: role, lock and token-version changes apply at once. */
@Injectable()
export class OperatorDirectory {
  constructor(@InjectRepository(OperatorEntity) private readonly operators: Repository<OperatorEntity>) {}

  /** The operator with this key, or null. */
  async findByKey(key: string): Promise<AuthenticatedOperator | null> {
    const row = await this.operators.findOne({ where: { key } });
    return row ? toAuthenticatedOperator(row) : null;
  }

  /** The operator with this login name (the access token's subject), or null. */
  async findByUsername(username: string): Promise<AuthenticatedOperator | null> {
    return (await this.credentials(username))?.operator ?? null;
  }

  /** The operator with this login name (exact match) with token version, lock and password hash, or null. */
  async credentials(username: string): Promise<OperatorCredentials | null> {
    const row = await this.operators.findOne({ where: { username } });
    return row ? toCredentials(row) : null;
  }

  /** Like {@link credentials}, by operator key. */
  async credentialsByKey(key: string): Promise<OperatorCredentials | null> {
    const row = await this.operators.findOne({ where: { key } });
    return row ? toCredentials(row) : null;
  }
}

function toCredentials(row: OperatorEntity): OperatorCredentials {
  return {
    operator: toAuthenticatedOperator(row),
    tokenVersion: row.tokenVersion,
    locked: row.lockedAt !== null,
    passwordHash: row.passwordHash,
  };
}

/**
 * An `operators` row → the {@link AuthenticatedOperator} put on requests and sockets: key, username, label,
 * roles (`[]` when null), admin and staff flags. Never carries the password hash.
 */
export function toAuthenticatedOperator(row: OperatorEntity): AuthenticatedOperator {
  return {
    key: row.key,
    username: row.username,
    label: row.label,
    roles: row.roles ?? [],
    admin: row.admin,
    staff: row.staff,
  };
}
