import { type PyToken, PyTokenizeError, tokenizePython } from '../python/tokenize';
import { FEEL_FORBIDDEN_NAMES } from './builtins';
import { checkFeelExpression, FEEL_MAX_NESTING } from './check-expression';

/**
 * Deepest nesting of parentheses and `not` the translator accepts: the limit of the FEEL checker (each such
 * level becomes one FEEL level), so a deeply nested expression is an {@link ExpressionTranslationError}
 * instead of a stack overflow in the recursive descent.
 */
export const PYTHON_MAX_NESTING = FEEL_MAX_NESTING;

/** Longest source text quoted in an error message (the full text stays in `text`). */
const QUOTED_MAX = 200;

const quote = (s: string) => JSON.stringify(s.length > QUOTED_MAX ? `${s.slice(0, QUOTED_MAX)}…` : s);

/**
 * Thrown when an erpsys (Python) event expression is outside the translatable subset.
 * `offending` is the smallest piece of source text that caused the rejection (e.g. `__import__`, `a.b`, `f(`).
 */
export class ExpressionTranslationError extends Error {
  constructor(
    readonly eventKey: string,
    readonly text: string,
    readonly offending: string,
    reason: string,
  ) {
    super(`Event "${eventKey}": cannot translate expression ${quote(text)} to FEEL: ${reason} ${quote(offending)}`);
    this.name = 'ExpressionTranslationError';
  }
}

/** Identifiers that would change meaning or break when copied into FEEL (FEEL keywords and literals). */
const FEEL_RESERVED = new Set([
  'true',
  'false',
  'null',
  'if',
  'then',
  'else',
  'for',
  'in',
  'return',
  'some',
  'every',
  'satisfies',
  'instance',
  'of',
  'function',
  'between',
  'and',
  'or',
  'not',
  'date',
  'time',
  'duration',
]);

/** Python keywords that are not part of the subset (reported as such rather than as identifiers). */
const PYTHON_UNSUPPORTED_KEYWORDS = new Set([
  'is',
  'in',
  'lambda',
  'if',
  'else',
  'for',
  'import',
  'from',
  'yield',
  'await',
  'async',
  'def',
  'class',
  'del',
  'global',
  'nonlocal',
  'assert',
  'pass',
  'raise',
  'return',
  'try',
  'while',
  'with',
  'as',
  'except',
  'finally',
  'break',
  'continue',
]);

const COMPARISONS: Record<string, string> = { '==': '=', '!=': '!=', '<': '<', '<=': '<=', '>': '>', '>=': '>=' };

/** Encode a decoded string as a FEEL string literal (double quotes; `\\ \" \n \r \t \uXXXX` escapes). */
function feelString(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f || code === 0x2028 || code === 0x2029) {
      out += '\\u' + code.toString(16).padStart(4, '0');
    } else out += ch;
  }
  return out + '"';
}

/** Recursive-descent translator over the token list; one instance per call. */
class Translator {
  private pos = 0;
  private depth = 0;

  constructor(
    private readonly eventKey: string,
    private readonly source: string,
    private readonly tokens: PyToken[],
  ) {}

  run(): string {
    const out = this.orExpr();
    const next = this.peek();
    if (next.kind !== 'end') this.unexpected(next);
    return out;
  }

  private peek(): PyToken {
    return this.tokens[this.pos];
  }

  private take(): PyToken {
    const token = this.tokens[this.pos];
    if (token.kind !== 'end') this.pos += 1;
    return token;
  }

  private isName(token: PyToken, word: string): boolean {
    return token.kind === 'name' && token.value === word;
  }

  /** Runs `inner` one nesting level deeper (opened at `token`). @throws ExpressionTranslationError past the limit */
  private nested(token: PyToken, inner: () => string): string {
    if (this.depth >= PYTHON_MAX_NESTING) {
      this.fail(this.source.slice(token.from, token.from + 40), `nesting deeper than ${PYTHON_MAX_NESTING} levels at`);
    }
    this.depth += 1;
    try {
      return inner();
    } finally {
      this.depth -= 1;
    }
  }

  private fail(offending: string, reason: string): never {
    throw new ExpressionTranslationError(this.eventKey, this.source, offending, reason);
  }

  private unexpected(token: PyToken, atomStart?: number): never {
    const raw = this.source.slice(token.from, token.to);
    if (token.kind === 'end') this.fail(this.source.slice(atomStart ?? 0), 'incomplete expression near');
    if (token.kind === 'op' && token.value === '.' && atomStart !== undefined) {
      const after = this.tokens[this.pos + 1];
      this.fail(this.source.slice(atomStart, after && after.kind !== 'end' ? after.to : token.to), 'attribute access');
    }
    if (token.kind === 'op' && token.value === '(' && atomStart !== undefined) {
      this.fail(this.source.slice(atomStart, token.to), 'function call');
    }
    if (token.kind === 'op' && token.value === '[' && atomStart !== undefined) {
      this.fail(this.source.slice(atomStart, token.to), 'subscript');
    }
    if (token.kind === 'name' && PYTHON_UNSUPPORTED_KEYWORDS.has(token.value)) {
      this.fail(raw, 'unsupported Python keyword');
    }
    if (token.kind === 'op' && (token.value === '+' || token.value === '-')) this.fail(raw, 'arithmetic operator');
    this.fail(raw, 'unsupported syntax');
  }

  private orExpr(): string {
    const parts = [this.andExpr()];
    while (this.isName(this.peek(), 'or')) {
      this.take();
      parts.push(this.andExpr());
    }
    return parts.join(' or ');
  }

  private andExpr(): string {
    const parts = [this.notExpr()];
    while (this.isName(this.peek(), 'and')) {
      this.take();
      parts.push(this.notExpr());
    }
    return parts.join(' and ');
  }

  private notExpr(): string {
    if (this.isName(this.peek(), 'not')) {
      const not = this.take();
      return this.nested(not, () => `not(${this.notExpr()})`);
    }
    return this.comparison();
  }

  private comparison(): string {
    const operands = [this.atom()];
    const operators: string[] = [];
    for (;;) {
      const token = this.peek();
      if (token.kind === 'op' && Object.hasOwn(COMPARISONS, token.value)) {
        this.take();
        operators.push(COMPARISONS[token.value]);
        operands.push(this.atom());
        continue;
      }
      if (this.isName(token, 'is') || this.isName(token, 'in') || this.isName(token, 'not')) {
        this.fail(this.source.slice(token.from, token.to), 'unsupported comparison operator');
      }
      break;
    }
    if (operators.length === 0) return operands[0];
    const pairs = operators.map((op, i) => `${operands[i]} ${op} ${operands[i + 1]}`);
    // Python chains `a < b < c` mean `a < b and b < c`.
    return pairs.length === 1 ? pairs[0] : `(${pairs.join(' and ')})`;
  }

  private atom(): string {
    const token = this.take();
    let out: string;
    switch (token.kind) {
      case 'string':
        out = feelString(token.value);
        break;
      case 'number':
        out = this.number(token);
        break;
      case 'name':
        out = this.name(token);
        break;
      case 'op':
        if (token.value === '(') {
          out = this.nested(token, () => {
            const inner = this.orExpr();
            const close = this.take();
            if (close.kind !== 'op' || close.value !== ')') this.unexpected(close);
            return `(${inner})`;
          });
          break;
        }
        if (token.value === '-' && this.peek().kind === 'number') {
          out = '-' + this.number(this.take());
          break;
        }
        return this.unexpected(token);
      default:
        return this.unexpected(token);
    }
    const next = this.peek();
    if (next.kind === 'op' && (next.value === '.' || next.value === '(' || next.value === '[')) {
      this.unexpected(next, token.from);
    }
    if (next.kind === 'string' || next.kind === 'number' || (next.kind === 'name' && !this.isConnective(next))) {
      this.unexpected(next);
    }
    return out;
  }

  private isConnective(token: PyToken): boolean {
    return ['and', 'or', 'not', 'is', 'in', 'if', 'else', 'for'].includes(token.value);
  }

  private number(token: PyToken): string {
    const raw = token.value;
    if (/[eE]/.test(raw)) this.fail(raw, 'exponent notation is not supported');
    let out = raw;
    if (out.startsWith('.')) out = '0' + out;
    if (out.endsWith('.')) out = out.slice(0, -1);
    return out;
  }

  private name(token: PyToken): string {
    const word = token.value;
    if (word === 'True') return 'true';
    if (word === 'False') return 'false';
    if (word === 'None') return 'null';
    if (word === 'lambda') this.fail(word, 'lambda');
    if (PYTHON_UNSUPPORTED_KEYWORDS.has(word) || word === 'and' || word === 'or' || word === 'not') {
      this.fail(word, 'unsupported Python keyword');
    }
    if (word.startsWith('__') || FEEL_FORBIDDEN_NAMES.has(word)) this.fail(word, 'forbidden name');
    if (FEEL_RESERVED.has(word)) this.fail(word, 'name that is reserved in FEEL');
    return word;
  }
}

/**
 * Translate an erpsys event expression (the safe Python subset) to FEEL.
 * Supported: comparisons `== != < <= > >=` (`==` → `=`; chains `a < b < c` → `(a < b and b < c)`),
 * `and`, `or`, `not x` (→ `not(x)`), `True`/`False`/`None` (→ `true`/`false`/`null`), single- or
 * double-quoted strings (re-emitted as FEEL double-quoted strings, escapes re-encoded; content never
 * rewritten), decimal integer/fraction literals (optionally negative), identifiers and parentheses.
 * The output is also checked with {@link checkFeelExpression}.
 *
 * Examples: `process_state=='TERMINATED'` → `process_state = "TERMINATED"`;
 * `parallel_completed==True` → `parallel_completed = true`.
 *
 * @param eventKey key of the event the expression belongs to (used in error messages).
 * @param text the Python expression (kernel layer, i.e. with the `process_` prefix already applied).
 * @returns the FEEL expression.
 * @throws {ExpressionTranslationError} for anything else — attribute access `a.b`, calls `f()`, subscripts,
 *   dunder names such as `__import__`, `lambda`, `is`/`in`, arithmetic, unknown characters, nesting deeper
 *   than {@link PYTHON_MAX_NESTING} levels — naming the event key and the offending text.
 * @see reference/erpsys-original.md §3.3 (expression language), §9.1 item 1 (eval RCE).
 */
export function translatePythonExpression(eventKey: string, text: string): string {
  let tokens: PyToken[];
  try {
    tokens = tokenizePython(text);
  } catch (err) {
    if (err instanceof PyTokenizeError) {
      throw new ExpressionTranslationError(eventKey, text, err.offending, err.message);
    }
    throw err;
  }
  if (tokens.length === 1) throw new ExpressionTranslationError(eventKey, text, text, 'empty expression');
  const feel = new Translator(eventKey, text, tokens).run();
  const issues = checkFeelExpression(feel);
  if (issues.length > 0) {
    const reason = `the translated FEEL is rejected (${issues[0].message}):`;
    throw new ExpressionTranslationError(eventKey, text, issues[0].text || text, reason);
  }
  return feel;
}
