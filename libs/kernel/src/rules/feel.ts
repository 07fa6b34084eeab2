import { evaluate, parseExpression } from 'feelin';
import type { ExpressionEvaluator, ExpressionResult } from '../ports/ports';
import { FEEL_REGEX_FUNCTIONS } from './feel-regex';

export type { ExpressionResult } from '../ports/ports';

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

/** A context key FEEL reads as one plain name (letters, digits, `_`): its presence cannot change how a text parses. */
const PLAIN_KEY = /^[\p{L}_][\p{L}\p{N}_]*$/u;
/** Every run of name characters in an expression: a superset of the plain names it can refer to. */
const NAME_RUN = /[\p{L}_][\p{L}\p{N}_]*/gu;
const wordsCache = new Map<string, ReadonlySet<string>>();

/** The runs of name characters in `expression` (cached per text). */
function wordsOf(expression: string): ReadonlySet<string> {
  let words = wordsCache.get(expression);
  if (!words) {
    words = new Set(expression.match(NAME_RUN) ?? []);
    if (wordsCache.size >= MAX_CACHE) wordsCache.clear();
    wordsCache.set(expression, words);
  }
  return words;
}

/**
 * The part of `context` that `expression` can see: every top-level entry whose key is not a plain name (such a
 * key takes part in parsing multi-word names, so it stays) or occurs in the expression's text as a whole name.
 * A plain key that never occurs cannot be read, so leaving it out changes neither the parse nor the value —
 * it only spares feelin from tracking and coercing it (its cost is linear in the context it is given).
 */
export function visibleContext(expression: string, context: Record<string, unknown>): Record<string, unknown> {
  const words = wordsOf(expression);
  // fromEntries defines own properties: a `__proto__` key stays data.
  return Object.fromEntries(Object.entries(context).filter(([key]) => words.has(key) || !PLAIN_KEY.test(key)));
}

/**
 * Evaluates a FEEL expression with feelin, a sandboxed interpreter (no `eval`, no host-object access: feelin
 * reads only plain context entries), in this thread and without a budget. A rule matches only when the value
 * is exactly `true`; anything else — including a syntax error or an interpreter exception (a stack overflow
 * too) — is "no match", reported in `error` so the caller can log it with its rule. `matches`, `replace` and
 * `split` run on RE2 ({@link FEEL_REGEX_FUNCTIONS}), linear in their input. Well-formedness is checked once
 * per distinct expression and cached; feelin exposes no compiled form (FEEL parsing is context-sensitive and
 * its interpreter is not exported — nikku/feelin#67), so the evaluation itself re-parses.
 *
 * Only the entries the expression can refer to are handed to feelin ({@link visibleContext}).
 *
 * Nothing bounds the time or memory an expression takes here (`for i in 1..100000000 return i` runs out
 * of heap): a server evaluates untrusted designs through a budgeted {@link ExpressionEvaluator} instead.
 * @param context plain JSON-like values only
 */
export function evaluateExpression(expression: string, context: Record<string, unknown>): ExpressionResult {
  const checked = check(expression);
  if (!checked.ok) return { matched: false, value: null, error: checked.error };
  try {
    const { value } = evaluate(expression, { ...visibleContext(expression, context), ...FEEL_REGEX_FUNCTIONS });
    return { matched: value === true, value, error: null };
  } catch (e) {
    return { matched: false, value: null, error: (e as Error).message };
  }
}

/** The kernel's default {@link ExpressionEvaluator}: {@link evaluateExpression} in this thread, no budget. */
export const inProcessEvaluator: ExpressionEvaluator = {
  evaluate: (expression, context) => Promise.resolve(evaluateExpression(expression, context)),
};
