import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { loadFeelBudget } from './expressions.config';
import { FeelProcessPool } from './feel-process-pool';

/**
 * The budgeted FEEL evaluator of the API: a {@link FeelProcessPool} configured from `FEEL_TIME_LIMIT_MS`
 * (default 50), `FEEL_MEMORY_LIMIT_MB` (64) and `FEEL_WORKERS` (2), handed to every `Kernel` the API builds.
 * The app starts listening only once its expression processes are warmed up; they are killed when the app
 * shuts down.
 */
@Injectable()
export class FeelEvaluator extends FeelProcessPool implements OnModuleInit, OnApplicationShutdown {
  private static readonly log = new Logger('FeelEvaluator');

  constructor() {
    super(loadFeelBudget(), (message) => FeelEvaluator.log.warn(message));
  }

  /** Waits for the warmed-up processes. @throws when they cannot start (the app then does not start either) */
  onModuleInit(): Promise<void> {
    return this.started;
  }

  onApplicationShutdown(): Promise<void> {
    return this.close();
  }
}
