import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { evaluateExpression, visibleContext, type ExpressionResult } from '@opkernel/kernel';
import { isBoundedExpression, isSmallPlainContext } from './bounded-expression';
import { loadFeelBudget } from './expressions.config';
import { FeelProcessPool } from './feel-process-pool';

/**
 * The budgeted FEEL evaluator of the API, handed to every `Kernel` the API builds: bounded expressions (the
 * common `state = "TERMINATED" and form.x > 3`) are evaluated in process; every other one runs in a
 * {@link FeelProcessPool} configured from `FEEL_TIME_LIMIT_MS` (default 50), `FEEL_MEMORY_LIMIT_MB` (64) and
 * `FEEL_WORKERS` (2).
 * The app starts listening only once its expression processes are warmed up; they are killed when the app
 * shuts down.
 */
@Injectable()
export class FeelEvaluator extends FeelProcessPool implements OnModuleInit, OnApplicationShutdown {
  private static readonly log = new Logger('FeelEvaluator');
  /** Evaluations done in this process (bounded expressions) and sent to the expression processes, counts. */
  readonly counts = { inline: 0, offloaded: 0 };

  constructor() {
    super(loadFeelBudget(), (message) => FeelEvaluator.log.warn(message));
  }

  /** Waits for the warmed-up processes. @throws when they cannot start (the app then does not start either) */
  onModuleInit(): Promise<void> {
    return this.started;
  }

  /**
   * Evaluates bounded expressions ({@link isBoundedExpression}: no iteration, ranges, function definitions or
   * filters; linear built-ins only — they cannot run away) here, with the kernel's own evaluator, when the part of
   * the context they can name ({@link visibleContext}) is small and its keys plain names
   * ({@link isSmallPlainContext}); everything else goes to the expression processes under their budget. Results
   * come back in the order asked.
   */
  override async evaluateAll(
    expressions: readonly string[],
    context: Record<string, unknown>,
  ): Promise<ExpressionResult[]> {
    const results: ExpressionResult[] = new Array(expressions.length);
    const offload: number[] = [];
    expressions.forEach((expression, i) => {
      const seen = isBoundedExpression(expression) ? visibleContext(expression, context) : null;
      if (seen && isSmallPlainContext(seen)) results[i] = evaluateExpression(expression, seen);
      else offload.push(i);
    });
    this.counts.inline += expressions.length - offload.length;
    this.counts.offloaded += offload.length;
    if (offload.length > 0) {
      const sent = await super.evaluateAll(
        offload.map((i) => expressions[i]!),
        context,
      );
      offload.forEach((i, j) => (results[i] = sent[j]!));
    }
    return results;
  }

  onApplicationShutdown(): Promise<void> {
    return this.close();
  }
}
