import { Injectable, OnModuleDestroy } from '@nestjs/common';
import type { OperatorView } from '@opkernel/kernel';
import { RevocationBus } from '../../../infra/revocation/revocation.bus';
import type { SqlRunner } from './sql-runner';

/** How long an operator's kernel view (key, label, roles) is kept, ms. */
export const OPERATOR_VIEW_CACHE_MS = 2_000;

/**
 * The kernel's view of operators (key, label, roles — what assignment reads of a journey's creator), cached for
 * {@link OPERATOR_VIEW_CACHE_MS} and dropped when the {@link RevocationBus} reports an operator's tokens revoked
 * (a role change always revokes). Misses read through the command's own transaction.
 */
@Injectable()
export class OperatorViews implements OnModuleDestroy {
  private readonly cache = new Map<string, { value: OperatorView | null; until: number }>();
  private readonly unsubscribe: () => void;
  /** Bumped by every revocation: a read that started before one is not cached. */
  private generation = 0;

  constructor(revocations: RevocationBus) {
    this.unsubscribe = revocations.subscribe((keys) => {
      this.generation++;
      for (const key of keys) this.cache.delete(key);
    });
  }

  onModuleDestroy(): void {
    this.unsubscribe();
  }

  /** The operator `key`, or null; from the cache, else read with `tx`. */
  async get(tx: SqlRunner, key: string, now = Date.now()): Promise<OperatorView | null> {
    const hit = this.cache.get(key);
    if (hit && hit.until > now) return hit.value;
    const generation = this.generation;
    const rows = await tx.query<OperatorView[]>('SELECT key, label, roles FROM operators WHERE key = $1', [key]);
    const value = rows[0] ?? null;
    if (generation !== this.generation) return value;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(key, { value, until: now + OPERATOR_VIEW_CACHE_MS });
    return value;
  }
}
