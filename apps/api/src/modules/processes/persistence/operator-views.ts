import { Injectable, OnModuleDestroy } from '@nestjs/common';
import type { OperatorView } from '@opkernel/kernel';
import { RevocableCache } from '../../../infra/revocation/revocable-cache';
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
  private readonly cache = new RevocableCache<string, OperatorView | null>(OPERATOR_VIEW_CACHE_MS);
  private readonly unsubscribe: () => void;

  constructor(revocations: RevocationBus) {
    this.unsubscribe = revocations.subscribe((keys) => this.cache.evict((key) => keys.includes(key)));
  }

  onModuleDestroy(): void {
    this.unsubscribe();
  }

  /** The operator `key`, or null; from the cache, else read with `tx`. */
  get(tx: SqlRunner, key: string, now = Date.now()): Promise<OperatorView | null> {
    return this.cache.get(
      key,
      async () =>
        (await tx.query<OperatorView[]>('SELECT key, label, roles FROM operators WHERE key = $1', [key]))[0] ?? null,
      now,
    );
  }
}
