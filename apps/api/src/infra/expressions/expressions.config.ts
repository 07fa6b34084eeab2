import { z } from 'zod';
import { ConfigError } from '../config/app-config';
import { DEFAULT_FEEL_BUDGET, type FeelBudget } from './feel-process-pool';

const emptyToUndefined = (value: unknown): unknown => (value === '' ? undefined : value);
const int = (min: number, max: number, fallback: number) =>
  z.preprocess(emptyToUndefined, z.coerce.number().int().min(min).max(max).default(fallback));

/** The variables that set the FEEL evaluation budget (empty = unset). */
export const FeelEnvSchema = z.object({
  /** Longest one rule expression may run (ms). @default 50 */
  FEEL_TIME_LIMIT_MS: int(1, 60_000, DEFAULT_FEEL_BUDGET.timeLimitMs),
  /** Heap limit of each expression process (MB). @default 64 */
  FEEL_MEMORY_LIMIT_MB: int(16, 4096, DEFAULT_FEEL_BUDGET.memoryLimitMb),
  /** Expression processes. @default 2 */
  FEEL_WORKERS: int(1, 16, DEFAULT_FEEL_BUDGET.workers),
});

/**
 * Reads the FEEL budget from the environment.
 * @throws {ConfigError} when a variable is malformed (e.g. `FEEL_TIME_LIMIT_MS=abc` or `0`)
 */
export function loadFeelBudget(env: NodeJS.ProcessEnv = process.env): FeelBudget {
  const parsed = FeelEnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid environment:\n  ${lines.join('\n  ')}`);
  }
  return {
    ...DEFAULT_FEEL_BUDGET,
    timeLimitMs: parsed.data.FEEL_TIME_LIMIT_MS,
    memoryLimitMb: parsed.data.FEEL_MEMORY_LIMIT_MB,
    workers: parsed.data.FEEL_WORKERS,
  };
}
