import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AppConfig } from '../../infra/config/app-config';
import { PROBLEM_TYPES, ProblemException } from '../../infra/problem/problem.exception';

/** `GET /api/health` response. */
export type HealthStatus = { status: 'ok'; database: 'up'; queue: 'redis' | 'postgres' };

const DATABASE_TIMEOUT_MS = 2000;

/** Health probe of the API: database reachability and the queue backend in use. */
@Injectable()
export class HealthService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  /**
   * Probes the database with `SELECT 1` (2 s timeout).
   * @throws ProblemException 503 when the database does not answer.
   */
  async check(): Promise<HealthStatus> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.dataSource.query('SELECT 1'),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('timeout')), DATABASE_TIMEOUT_MS);
        }),
      ]);
    } catch {
      throw new ProblemException({
        status: 503,
        type: PROBLEM_TYPES.unavailable,
        title: 'Service Unavailable',
        detail: 'The database does not answer',
        extra: { database: 'down', queue: this.config.queueDriver },
      });
    } finally {
      clearTimeout(timer);
    }
    return { status: 'ok', database: 'up', queue: this.config.queueDriver };
  }
}
