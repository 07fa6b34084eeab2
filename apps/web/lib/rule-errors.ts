import type { ProcessEvent } from './types/process';

/** A rule whose expression failed (or ran out of its evaluation budget) while the process changed state. */
export type RuleError = { rule: string; expression: string | null; errors: string[]; count: number };

const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/**
 * The `rule.error` rows of an audit trail (`cause.rule`, `details: { expression, error }`), one entry per rule
 * in order of first failure, with its distinct error messages and how often it failed.
 */
export function ruleErrorsOf(events: readonly ProcessEvent[] | null | undefined): RuleError[] {
  const byRule = new Map<string, RuleError>();
  for (const e of events ?? []) {
    if (e.action !== 'rule.error') continue;
    const cause = (e.cause ?? {}) as Record<string, unknown>;
    const details = (e.details ?? {}) as Record<string, unknown>;
    const rule = text(cause['rule']) ?? '?';
    const entry = byRule.get(rule) ?? { rule, expression: text(details['expression']), errors: [], count: 0 };
    const error = text(details['error']);
    if (error && !entry.errors.includes(error)) entry.errors.push(error);
    entry.count++;
    byRule.set(rule, entry);
  }
  return [...byRule.values()];
}
