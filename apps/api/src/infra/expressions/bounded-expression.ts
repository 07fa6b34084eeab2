import { parseExpression } from 'feelin';

/**
 * FEEL constructs whose cost is not bounded by the size of the expression and its input: iteration (`for`,
 * `some`/`every`), ranges to iterate over, function definitions (recursion), and filters (`list[condition]`
 * runs its condition per item, so nested filters multiply).
 */
const UNBOUNDED_NODES: ReadonlySet<string> = new Set([
  'ForExpression',
  'QuantifiedExpression',
  'IterationContext',
  'FunctionDefinition',
  'FilterExpression',
]);

/**
 * Built-in functions that run in time linear (or n·log n) in their arguments and return results no larger than
 * them — so an expression calling only these, without {@link UNBOUNDED_NODES}, finishes in time proportional to
 * its own length times its input's size. (Left out on purpose: `distinct values`, `union`, `sort` with a
 * function, and anything not listed.)
 */
const LINEAR_FUNCTIONS: ReadonlySet<string> = new Set([
  'not',
  'is defined',
  'get value',
  'string',
  'number',
  'string length',
  'upper case',
  'lower case',
  'substring',
  'substring before',
  'substring after',
  'contains',
  'starts with',
  'ends with',
  'abs',
  'floor',
  'ceiling',
  'decimal',
  'round up',
  'round down',
  'round half up',
  'round half down',
  'modulo',
  'odd',
  'even',
  'count',
  'min',
  'max',
  'sum',
  'mean',
  'all',
  'any',
  'list contains',
  'date',
  'time',
  'date and time',
  'duration',
  'years and months duration',
]);

const CACHE_LIMIT = 2000;
const cache = new Map<string, boolean>();

/**
 * True when `expression` is *bounded*: no iteration, no range to iterate over, no function definition, and only
 * {@link LINEAR_FUNCTIONS} called — its evaluation cannot run away whatever the context (the cost is linear in the
 * expression's length times the input's size), so it needs no time or memory budget of its own and may be
 * evaluated in the API process. Everything else (and anything that does not parse) is not bounded. Cached per
 * expression text.
 * @example isBoundedExpression('process_state = "TERMINATED" and form.age > 3') // true
 * @example isBoundedExpression('count(for i in 1..10000 return i) > 0') // false
 */
export function isBoundedExpression(expression: string): boolean {
  const known = cache.get(expression);
  if (known !== undefined) return known;
  let bounded = true;
  try {
    const tree = parseExpression(expression, {}, undefined);
    tree.iterate({
      enter: (node) => {
        if (!bounded) return false;
        if (node.type.isError || UNBOUNDED_NODES.has(node.name)) bounded = false;
        else if (node.name === 'FunctionInvocation') {
          const callee = node.node.firstChild;
          const name = callee ? expression.slice(callee.from, callee.to).trim().replace(/\s+/g, ' ') : '';
          if (callee?.name !== 'VariableName' || !LINEAR_FUNCTIONS.has(name)) bounded = false;
        }
        return bounded;
      },
    });
  } catch {
    bounded = false;
  }
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(expression, bounded);
  return bounded;
}

/** Most values (keys and leaves) a context may hold to be evaluated in the API process. */
export const INLINE_CONTEXT_MAX_NODES = 2_000;
/** Most characters of text (keys and strings) a context may hold to be evaluated in the API process. */
export const INLINE_CONTEXT_MAX_CHARS = 16_384;
/** A key FEEL reads as one plain name: letters, digits and `_` (no space or operator that could join tokens). */
const PLAIN_KEY = /^[\p{L}_][\p{L}\p{N}_]*$/u;

/**
 * True when `context` is small (at most {@link INLINE_CONTEXT_MAX_NODES} values and
 * {@link INLINE_CONTEXT_MAX_CHARS} characters of text) and every key at any depth is a plain name. Only then may
 * a bounded expression run in the API process: its cost is linear in the input, so the input must be small; and
 * feelin parses names against the context's keys, so a key with spaces or operators (form data is the user's)
 * could turn the checked expression into another one (e.g. a filter). Walks at most the limits.
 */
export function isSmallPlainContext(context: Record<string, unknown>): boolean {
  let nodes = 0;
  let chars = 0;
  const stack: unknown[] = [context];
  while (stack.length > 0) {
    const value = stack.pop();
    if (++nodes > INLINE_CONTEXT_MAX_NODES) return false;
    if (typeof value === 'string') {
      chars += value.length;
      if (chars > INLINE_CONTEXT_MAX_CHARS) return false;
    } else if (Array.isArray(value)) {
      for (const item of value) stack.push(item);
    } else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        chars += key.length;
        if (chars > INLINE_CONTEXT_MAX_CHARS || !PLAIN_KEY.test(key)) return false;
        stack.push(item);
      }
    }
  }
  return true;
}
