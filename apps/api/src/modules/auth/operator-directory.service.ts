import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { OperatorEntity } from '../../infra/database/entities/operator.entity';
import { RevocableCache } from '../../infra/revocation/revocable-cache';
import { RevocationBus } from '../../infra/revocation/revocation.bus';
import type { AuthenticatedOperator } from './types/authenticated-operator.type';

/** An operator with what authentication checks: token version, lock and (for logins) the password hash. */
export type OperatorCredentials = {
  operator: AuthenticatedOperator;
  tokenVersion: number;
  locked: boolean;
  passwordHash: string | null;
};

/**
 * How long {@link OperatorDirectory.cachedCredentials} keeps an operator, ms. A revocation in this process (token
 * version bump: password or role change, lock, logout) evicts at once; other replicas see it within this bound.
 */
export const CREDENTIALS_CACHE_MS = 2_000;

/**
 * Looks operators up for authentication. {@link credentials} always reads the database (logins, refresh) and
 * refreshes the cache; {@link cachedCredentials} — what every authenticated request uses — keeps each operator
 * for {@link CREDENTIALS_CACHE_MS} and drops it when the {@link RevocationBus} reports its tokens revoked.
 */
@Injectable()
export class OperatorDirectory implements OnModuleDestroy {
  private readonly cache = new RevocableCache<string, OperatorCredentials | null>(CREDENTIALS_CACHE_MS);
  private readonly unsubscribe: () => void;

  constructor(
    @InjectRepository(OperatorEntity) private readonly operators: Repository<OperatorEntity>,
    revocations: RevocationBus,
  ) {
    this.unsubscribe = revocations.subscribe((keys) => this.evict(keys));
  }

  onModuleDestroy(): void {
    this.unsubscribe();
  }

  /** Forgets the cached entries of these operator keys (and every miss, which may have been created since). */
  evict(operatorKeys: readonly string[]): void {
    this.cache.evict((_username, value) => value === null || operatorKeys.includes(value.operator.key));
  }

  /**
   * Like {@link credentials}, served from a short cache ({@link CREDENTIALS_CACHE_MS}): the token-version and
   * lock checks of a request compare against it. Never use it to check a password.
   */
  cachedCredentials(username: string, now = Date.now()): Promise<OperatorCredentials | null> {
    return this.cache.get(username, () => this.read(username), now);
  }

  /** The operator with this login name (exact match) with token version, lock and password hash, or null. */
  credentials(username: string, now = Date.now()): Promise<OperatorCredentials | null> {
    return this.cache.refresh(username, () => this.read(username), now);
  }

  private async read(username: string): Promise<OperatorCredentials | null> {
    const row = await this.operators.findOne({ where: { username } });
    return row ? toCredentials(row) : null;
  }

  /** The operator with this key, or null. */
  async findByKey(key: string): Promise<AuthenticatedOperator | null> {
    const row = await this.operators.findOne({ where: { key } });
    return row ? toAuthenticatedOperator(row) : null;
  }

  /** The operator with this login name (the access token's subject), or null. */
  async findByUsername(username: string): Promise<AuthenticatedOperator | null> {
    return (await this.credentials(username))?.operator ?? null;
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
