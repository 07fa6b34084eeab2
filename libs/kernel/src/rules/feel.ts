import { evaluate, parseExpression } from 'feelin';

/** Result of evaluating one rule expression. `error` is set when evaluation failed (the rule then counts as false). */
export type ExpressionResult = { matched: boolean; value: unknown; error: string | null };

type Checked = { ok: true } | { ok: false; error: string };
const syntaxCache = new Map<string, Checked>();
const MAX_CACHE = 10_000;

/** Parses `expression` once (lezer-feel) and caches whether it is well-formed. */
function check(expression: string): Checked {
  const cached = syntaxCache.get(expression);
  if (cached) return cached;
  let result: Checked = { ok: true };
  try {
    const tree = parseExpression(expression, {}, undefined);
    let bad: string | null = null;
    tree.iterate({
      enter(node) {
        if (bad === null && node.type.isError) bad = `syntax error at ${node.from}`;
      },
    });
    if (bad) result = { ok: false, error: bad };
  } catch (e) {
    result = { ok: false, error: (e as Error).message };
  }
  if (syntaxCache.size >= MAX_CACHE) syntaxCache.clear();
  syntaxCache.set(expression, result);
  return result;
}

/**
 * Evaluates a FEEL expression with feelin, a sandboxed interpreter (no `eval`, no host-object access: feelin
 * reads only plain context entries). A rule matches only when the value is exactly `true`; anything else —
 * including a syntax error or an interpreter exception — is "no match", reported in `error` so the caller can
 * log it with its rule. Well-formedness is checked once per distinct expression and cached; feelin exposes no
 * compiled form (FEEL parsing is context-sensitive and its interpreter is not exported — nikku/feelin#67), so
 * the evaluation itself re-parses: about 45–100 µs for the clinic's expressions on this hardware.
 * @param context plain JSON-like values only
 */
export function evaluateExpression(expression: string, context: Record<string, unknown>): ExpressionResult {
  const checked = check(expression);
  if (!checked.ok) return { matched: false, value: null, error: checked.error };
  try {
    const { value } = evaluate(expression, context);
    return { matched: value === true, value, error: null };
  } catch (e) {
    return { matched: false, value: null, error: (e as Error).message };
  }
}
