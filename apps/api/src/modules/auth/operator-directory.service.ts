import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { OperatorEntity } from '../../infra/database/entities/operator.entity';
import type { AuthenticatedOperator } from './types/authenticated-operator.type';

/** Looks operators up for authentication. No caching: role and admin changes apply to the next request. */
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
    const row = await this.operators.findOne({ where: { username } });
    return row ? toAuthenticatedOperator(row) : null;
  }

  /** The operator with this login name (exact match) with its password hash, or null. */
  async findLogin(username: string): Promise<{ operator: AuthenticatedOperator; passwordHash: string | null } | null> {
    const row = await this.operators.findOne({ where: { username } });
    return row ? { operator: toAuthenticatedOperator(row), passwordHash: row.passwordHash } : null;
  }
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
