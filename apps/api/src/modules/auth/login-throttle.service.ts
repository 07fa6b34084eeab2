import { createHash } from 'node:crypto';
import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
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

/** How often expired throttle rows are deleted, ms. */
const PURGE_INTERVAL_MS = 10 * 60 * 1000;

/** A fixed-length key for a username (any length, any case): SHA-256 of its lower-case form. */
const userKey = (username: string) => createHash('sha256').update(username.toLowerCase()).digest('hex');

/**
 * Login throttling with rate-limiter-flexible on PostgreSQL (table `login_throttle`, shared by every API replica):
 * an attempt takes a point from its username's and its client address's budget BEFORE the password hash is
 * checked — so a burst of parallel bad logins is refused at once instead of queueing on argon2 and starving good
 * logins. A successful login forgets its username's failures and returns the point it took from its address (so
 * an address's budget counts failures only). An exhausted budget answers 429 with `Retry-After`. Usernames are keyed by SHA-256; expired rows are deleted every 10 minutes.
 */
@Injectable()
export class LoginThrottle implements OnModuleInit, OnModuleDestroy {
  private readonly byUsername: RateLimiterPostgres;
  private readonly byAddress: RateLimiterPostgres;
  private timer: NodeJS.Timeout | undefined;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
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
      this.byUsername.consume(userKey(username)),
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

  /**
   * A successful login: its username's failures are forgotten, and its address gets back the one point this
   * attempt took (so only failures count against an address; earlier failures stay counted).
   */
  async succeeded(username: string, address: string): Promise<void> {
    await Promise.all([this.byUsername.delete(userKey(username)), this.byAddress.reward(address, 1)]);
  }

  /** Starts the periodic purge of expired rows. */
  onModuleInit(): void {
    this.timer = setInterval(() => {
      this.dataSource.query('DELETE FROM login_throttle WHERE expire < $1', [Date.now()]).catch(() => undefined);
    }, PURGE_INTERVAL_MS);
    this.timer.unref();
  }

  /** Stops the purge. */
  onModuleDestroy(): void {
    clearInterval(this.timer);
  }
}
