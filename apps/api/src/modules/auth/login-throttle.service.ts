import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { PROBLEM_TYPES, ProblemException } from '../../infra/problem/problem.exception';

/** Failed logins allowed per username in {@link LOGIN_WINDOW_SECONDS}, then refused until the window ends. */
export const LOGIN_FAILURES_PER_USERNAME = 10;
/** Failed logins allowed per client address in {@link LOGIN_WINDOW_SECONDS}. */
export const LOGIN_FAILURES_PER_ADDRESS = 50;
/** Length of the throttling window, seconds (15 min). */
export const LOGIN_WINDOW_SECONDS = 15 * 60;

/**
 * Login throttling with rate-limiter-flexible on PostgreSQL (table `login_throttle`, shared by every API replica):
 * an attempt takes a point from its username's and its client address's budget BEFORE the password hash is
 * checked — so a burst of parallel bad logins is refused at once instead of queueing on argon2 and starving good
 * logins — and a successful login gives its points back. An exhausted budget answers 429 with `Retry-After`.
 */
@Injectable()
export class LoginThrottle {
  private readonly byUsername: RateLimiterPostgres;
  private readonly byAddress: RateLimiterPostgres;

  constructor(@InjectDataSource() dataSource: DataSource) {
    const storeClient = (dataSource.driver as PostgresDriver).master;
    const common = {
      storeClient,
      storeType: 'pool',
      tableName: 'login_throttle',
      tableCreated: true,
      clearExpiredByTimeout: false,
    };
    this.byUsername = new RateLimiterPostgres({
      ...common,
      keyPrefix: 'login_user',
      points: LOGIN_FAILURES_PER_USERNAME,
      duration: LOGIN_WINDOW_SECONDS,
    });
    this.byAddress = new RateLimiterPostgres({
      ...common,
      keyPrefix: 'login_addr',
      points: LOGIN_FAILURES_PER_ADDRESS,
      duration: LOGIN_WINDOW_SECONDS,
    });
  }

  /**
   * Takes one point of `username`'s and `address`'s budgets.
   * @throws ProblemException 429 (`Retry-After` in seconds) when either is exhausted.
   */
  async take(username: string, address: string): Promise<void> {
    const results = await Promise.allSettled([
      this.byUsername.consume(username.toLowerCase()),
      this.byAddress.consume(address),
    ]);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason);
    if (refused.length === 0) return;
    const other = refused.find((r) => !(r instanceof RateLimiterRes));
    if (other) throw other;
    const waitMs = Math.max(...refused.map((r: RateLimiterRes) => r.msBeforeNext));
    throw new ProblemException({
      status: 429,
      type: PROBLEM_TYPES.throttled,
      title: 'Too Many Requests',
      detail: 'Too many failed logins; try again later',
      headers: { 'Retry-After': String(Math.max(1, Math.ceil(waitMs / 1000))) },
    });
  }

  /** A successful login: its username's failures are forgotten, its address gets its point back. */
  async succeeded(username: string, address: string): Promise<void> {
    await Promise.all([this.byUsername.delete(username.toLowerCase()), this.byAddress.reward(address, 1)]);
  }
}
