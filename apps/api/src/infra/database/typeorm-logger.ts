import { Logger as NestLogger } from '@nestjs/common';
import type { Logger } from 'typeorm';

/**
 * Routes TypeORM's log through Nest's logger so every line stays JSON. Failed queries are logged at
 * `debug` only: expected failures (unique violations → 409) are reported by the problem filter.
 */
export class TypeormLogger implements Logger {
  private readonly logger = new NestLogger('TypeORM');

  /** @param logQueries - log every query (at `verbose`); off by default, it is very chatty. */
  constructor(private readonly logQueries = false) {}

  /** Every query, at `verbose`, only when enabled. */
  logQuery(query: string): void {
    if (this.logQueries) this.logger.verbose(query);
  }

  /** A failed query, at `debug` (the problem filter reports the error that matters). */
  logQueryError(error: string | Error, query: string): void {
    this.logger.debug(`${error instanceof Error ? error.message : error} -- ${query}`);
  }

  /** A query slower than `maxQueryExecutionTime`, as a warning. */
  logQuerySlow(time: number, query: string): void {
    this.logger.warn(`slow query (${time} ms): ${query}`);
  }

  /** Schema synchronisation messages (unused: `synchronize` is off), at `debug`. */
  logSchemaBuild(message: string): void {
    this.logger.debug(message);
  }

  /** Migration progress, at `log`. */
  logMigration(message: string): void {
    this.logger.log(message);
  }

  /** TypeORM's own messages: warnings as warnings, the rest at `debug`. */
  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.logger.warn(String(message));
    else this.logger.debug(String(message));
  }
}
