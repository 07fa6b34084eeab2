import { evaluate, parseExpression } from 'feelin';
import { FEEL_BUILTIN_FUNCTIONS, FEEL_FORBIDDEN_NAMES, normaliseFeelName } from './builtins';

/** Kinds of problem the FEEL checker reports. */
export type FeelIssueCode =
  'parse_error' | 'unknown_function' | 'forbidden_name' | 'too_long' | 'range_too_large' | 'too_deep';

/**
 * One problem in a FEEL expression. `from`/`to` are offsets into the expression; `text` is the offending
 * source text (empty for "unexpected end of expression").
 */
export type FeelIssue = { code: FeelIssueCode; message: string; from: number; to: number; text: string };

/** Result of {@link evaluateFeel}: `error` is null on success; `warnings` are feelin's (e.g. unknown variable). */
export type FeelEvaluation = { value: unknown; error: string | null; warnings: string[] };

/** Longest expression the checker accepts (characters). */
export const FEEL_MAX_EXPRESSION_LENGTH = 4096;

/**
 * Most elements a range with constant bounds may have where it is iterated (`for i in 1..10000`,
 * `some x in [1..10000] satisfies …`): feelin materialises such a range as a list of contexts. A range that is
 * only tested against (`x in [0..1000000]`) is not materialised and not limited.
 */
export const FEEL_MAX_RANGE_LENGTH = 10_000;

/**
 * Deepest nesting the checker accepts: levels of parentheses, function calls, lists, contexts, intervals,
 * filters, `for`/`some`/`every`/`if` and function definitions, and unary minus (operator chains such as
 * `a or b or c` and paths `a.b.c` do not nest).
 */
export const FEEL_MAX_NESTING = 32;

/** Syntax nodes that open a nesting level (see {@link FEEL_MAX_NESTING}). */
const NESTING_NODES: ReadonlySet<string> = new Set([
  'ParenthesizedExpression',
  'FunctionInvocation',
  'List',
  'Context',
  'Interval',
  'FilterExpression',
  'ForExpression',
  'QuantifiedExpression',
  'IfExpression',
  'FunctionDefinition',
]);

/** Nodes a constant range bound may consist of (evaluated to find the range's size). */
const CONSTANT_NODES: ReadonlySet<string> = new Set([
  'NumericLiteral',
  'ArithOp',
  'ArithmeticExpression',
  'ParenthesizedExpression',
  '(',
  ')',
]);

type FeelTree = ReturnType<typeof parseExpression>;
type FeelNode = FeelTree['topNode'];

const CACHE_LIMIT = 2000;
const checkCache = new Map<string, readonly FeelIssue[]>();

const FEEL_STRING_ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', n: '\n', r: '\r', t: '\t', "'": "'" };

/** Decode a FEEL string literal (`"a\"b"`), as feelin does; used to inspect quoted context keys. */
function decodeFeelString(literal: string): string {
  const body = literal.slice(1, -1);
  return body.replace(/\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{6}|.)/g, (_m, esc: string) => {
    if (esc.length > 1) return String.fromCodePoint(parseInt(esc.slice(1), 16));
    return FEEL_STRING_ESCAPES[esc] ?? esc;
  });
}

function childrenOf(node: FeelNode): FeelNode[] {
  const out: FeelNode[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling) out.push(child);
  return out;
}

/** True when `node` opens a nesting level: a {@link NESTING_NODES} node, or unary minus (`-x`). */
function nests(node: FeelNode): boolean {
  if (NESTING_NODES.has(node.name)) return true;
  return node.name === 'ArithmeticExpression' && node.firstChild?.name === 'ArithOp';
}

/** The value of a constant numeric bound (literals, arithmetic, parentheses only), else null. */
function constantNumber(node: FeelNode, expr: string): number | null {
  const stack = [node];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (!CONSTANT_NODES.has(n.name)) return null;
    stack.push(...childrenOf(n));
  }
  try {
    const { value } = evaluate(expr.slice(node.from, node.to), {});
    return typeof value === 'number' && !Number.isNaN(value) ? value : null;
  } catch {
    return null;
  }
}

/**
 * The bounds of the range an `IterationContext` iterates when both are constant: `a..b`, or an interval
 * `[a..b]` / `]a..b[` …; null otherwise (a list, a variable, a computed bound).
 */
function iteratedRange(node: FeelNode, expr: string): { from: number; to: number } | null {
  let parts = childrenOf(node);
  if (!parts.some((p) => p.name === '..')) {
    let inner: FeelNode | null = parts.length === 1 ? parts[0] : null;
    if (inner?.name === 'SimplePositiveUnaryTest') inner = inner.firstChild;
    if (inner?.name !== 'Interval') return null;
    parts = childrenOf(inner).filter((p) => p.name !== '[' && p.name !== ']' && p.name !== '(' && p.name !== ')');
  }
  const dots = parts.findIndex((p) => p.name === '..');
  if (dots !== 1 || parts.length !== 3) return null;
  const from = constantNumber(parts[0], expr);
  const to = constantNumber(parts[2], expr);
  return from === null || to === null ? null : { from, to };
}

function inspect(expr: string): FeelIssue[] {
  if (expr.length > FEEL_MAX_EXPRESSION_LENGTH) {
    return [
      {
        code: 'too_long',
        message: `expression is longer than ${FEEL_MAX_EXPRESSION_LENGTH} characters`,
        from: 0,
        to: expr.length,
        text: expr.slice(0, 40),
      },
    ];
  }
  const issues: FeelIssue[] = [];
  const tree = parseExpression(expr, {}, undefined);
  const text = (node: { from: number; to: number }) => expr.slice(node.from, node.to);
  let depth = 0;
  let deepest = 0;
  let tooDeep: FeelIssue | null = null;
  tree.iterate({
    leave(ref) {
      if (nests(ref.node)) depth -= 1;
    },
    enter(ref) {
      const node = ref.node;
      if (nests(node)) {
        depth += 1;
        deepest = Math.max(deepest, depth);
        if (depth > FEEL_MAX_NESTING && !tooDeep) {
          tooDeep = { code: 'too_deep', message: '', from: node.from, to: node.to, text: text(node).slice(0, 40) };
          issues.push(tooDeep);
        }
      }
      if (ref.type.isError) {
        const offending = text(node);
        issues.push({
          code: 'parse_error',
          message:
            offending.length > 0
              ? `syntax error at offset ${node.from}: unexpected ${JSON.stringify(offending)}`
              : expr.trim().length === 0
                ? 'empty expression'
                : `syntax error at offset ${node.from}: unexpected end of expression`,
          from: node.from,
          to: node.to,
          text: offending,
        });
        return;
      }
      switch (ref.name) {
        case 'Identifier': {
          const name = text(node);
          if (FEEL_FORBIDDEN_NAMES.has(name)) {
            issues.push({
              code: 'forbidden_name',
              message: `name ${JSON.stringify(name)} is not allowed (it could reach host objects)`,
              from: node.from,
              to: node.to,
              text: name,
            });
          }
          return;
        }
        case 'Key': {
          const first = node.firstChild;
          if (first && first.name === 'StringLiteral') {
            const key = decodeFeelString(text(first));
            if (FEEL_FORBIDDEN_NAMES.has(key)) {
              issues.push({
                code: 'forbidden_name',
                message: `context key ${JSON.stringify(key)} is not allowed (it could reach host objects)`,
                from: first.from,
                to: first.to,
                text: text(first),
              });
            }
          }
          return;
        }
        case 'FunctionInvocation': {
          const callee = node.firstChild;
          if (!callee) return;
          if (callee.name === 'VariableName') {
            const name = normaliseFeelName(
              childrenOf(callee)
                .map((part) => text(part))
                .join(' ') || text(callee),
            );
            if (!FEEL_BUILTIN_FUNCTIONS.has(name)) {
              issues.push({
                code: 'unknown_function',
                message: `function ${JSON.stringify(name)} is not a FEEL built-in function`,
                from: callee.from,
                to: callee.to,
                text: text(callee),
              });
            }
          } else {
            issues.push({
              code: 'unknown_function',
              message: `only FEEL built-in functions may be called; ${JSON.stringify(text(callee))} is not one`,
              from: callee.from,
              to: callee.to,
              text: text(callee),
            });
          }
          return;
        }
        case 'IterationContext': {
          const range = iteratedRange(node, expr);
          if (!range) return;
          const size = Math.floor(Math.abs(range.to - range.from)) + 1;
          if (size > FEEL_MAX_RANGE_LENGTH) {
            issues.push({
              code: 'range_too_large',
              message: `range ${text(node)} has ${Number.isFinite(size) ? size : 'infinitely many'} elements; at most ${FEEL_MAX_RANGE_LENGTH} may be iterated`,
              from: node.from,
              to: node.to,
              text: text(node),
            });
          }
          return;
        }
        default:
          return;
      }
    },
  });
  if (tooDeep) {
    (tooDeep as FeelIssue).message = `expression nests ${deepest} levels deep; at most ${FEEL_MAX_NESTING} are allowed`;
  }
  return issues;
}

/**
 * Check that a FEEL expression is safe to evaluate: it parses (feelin's lezer grammar, no error nodes),
 * calls only FEEL built-in functions ({@link FEEL_BUILTIN_FUNCTIONS}; not user functions, paths or
 * parenthesised callees) and never names `__proto__`, `constructor`, `prototype`, `globalThis`, `process`,
 * `require`, `import`, `eval`, `Function` or `this` as a variable, path segment or context key; iterates no
 * range of constant bounds longer than {@link FEEL_MAX_RANGE_LENGTH} elements (`for i in 1..100000000`) and
 * nests no deeper than {@link FEEL_MAX_NESTING} levels. Whatever passes still runs under the evaluator's
 * time and memory budget (two nested 10 000-element loops pass the checker and take far too long).
 * Results are cached per expression text (a bounded Map), so each expression is parsed once.
 *
 * @param expr FEEL source, e.g. `process_state = "TERMINATED"`.
 * @returns the problems found, in source order; empty = ok. Never throws.
 * @see reference/erpsys-original.md §9.1 item 1 (why the original's `eval` is replaced by FEEL).
 */
export function checkFeelExpression(expr: string): FeelIssue[] {
  let cached = checkCache.get(expr);
  if (!cached) {
    cached = Object.freeze(inspect(expr));
    if (checkCache.size >= CACHE_LIMIT) checkCache.clear();
    checkCache.set(expr, cached);
  }
  return cached.map((issue) => ({ ...issue }));
}

/**
 * Evaluate a FEEL expression with feelin against `context` (a plain variables object such as
 * `{ process_state: 'TERMINATED' }`). The expression is first run through {@link checkFeelExpression};
 * an unsafe or unparsable expression is not evaluated. No JavaScript `eval`/`Function` is involved.
 *
 * @param expr FEEL source.
 * @param context variables visible to the expression.
 * @returns `{ value, error: null, warnings }` on success (`value` is feelin's result, `null` e.g. for an
 *   unknown variable, with a warning), or `{ value: null, error: "<reason>", warnings: [] }`. Never throws.
 */
export function evaluateFeel(expr: string, context: Record<string, unknown>): FeelEvaluation {
  const issues = checkFeelExpression(expr);
  if (issues.length > 0) {
    return { value: null, error: `rejected FEEL expression: ${issues.map((i) => i.message).join('; ')}`, warnings: [] };
  }
  try {
    const result = evaluate(expr, context);
    return { value: result.value, error: null, warnings: result.warnings.map((w) => w.message) };
  } catch (err) {
    return { value: null, error: err instanceof Error ? err.message : String(err), warnings: [] };
  }
}
