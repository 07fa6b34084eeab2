import { type PyToken, PyTokenizeError, tokenizePython } from './tokenize';

const quote = (s: string) => JSON.stringify(s.length > 200 ? `${s.slice(0, 200)}…` : s);

/**
 * Thrown by {@link parsePythonLiteral}; `offending` is the source text that could not be read (the message
 * quotes at most 200 characters of each).
 */
export class PythonLiteralError extends Error {
  constructor(
    readonly text: string,
    readonly offending: string,
    reason: string,
  ) {
    super(`cannot read Python literal ${quote(text)}: ${reason} ${quote(offending)}`);
    this.name = 'PythonLiteralError';
  }
}

/** Deepest nesting of dicts, lists and tuples {@link parsePythonLiteral} reads (a bound on its recursion). */
export const PYTHON_LITERAL_MAX_NESTING = 64;

class LiteralReader {
  private pos = 0;
  private depth = 0;

  constructor(
    private readonly source: string,
    private readonly tokens: PyToken[],
  ) {}

  run(): unknown {
    const value = this.value();
    const next = this.tokens[this.pos];
    if (next.kind !== 'end') this.fail(next, 'unexpected');
    return value;
  }

  private fail(token: PyToken, reason: string): never {
    const offending = token.kind === 'end' ? '<end of text>' : this.source.slice(token.from, token.to);
    throw new PythonLiteralError(this.source, offending, reason);
  }

  private take(): PyToken {
    const token = this.tokens[this.pos];
    if (token.kind !== 'end') this.pos += 1;
    return token;
  }

  private isOp(token: PyToken, op: string): boolean {
    return token.kind === 'op' && token.value === op;
  }

  private value(): unknown {
    const token = this.take();
    if (token.kind === 'op' && (token.value === '{' || token.value === '[' || token.value === '(')) {
      if (this.depth >= PYTHON_LITERAL_MAX_NESTING) {
        this.fail(token, `nesting deeper than ${PYTHON_LITERAL_MAX_NESTING} levels at`);
      }
      this.depth += 1;
      try {
        return this.container(token.value);
      } finally {
        this.depth -= 1;
      }
    }
    switch (token.kind) {
      case 'string': {
        if (this.tokens[this.pos].kind === 'string') this.fail(this.tokens[this.pos], 'implicit string concatenation');
        return token.value;
      }
      case 'number':
        return this.number(token, false);
      case 'name':
        if (token.value === 'True') return true;
        if (token.value === 'False') return false;
        if (token.value === 'None') return null;
        return this.fail(token, 'only True, False and None are allowed as names, not');
      case 'op':
        if (token.value === '-' && this.tokens[this.pos].kind === 'number') return this.number(this.take(), true);
        return this.fail(token, 'unexpected');
      default:
        return this.fail(token, 'unexpected');
    }
  }

  private container(open: string): unknown {
    if (open === '{') return this.dict();
    return this.sequence(open === '[' ? ']' : ')');
  }

  private number(token: PyToken, negative: boolean): number {
    const n = Number(token.value);
    const isInt = /^\d+$/.test(token.value);
    if (!Number.isFinite(n) || (isInt && !Number.isSafeInteger(n))) this.fail(token, 'number out of range');
    return negative ? -n : n;
  }

  private sequence(close: string): unknown[] {
    const items: unknown[] = [];
    for (;;) {
      if (this.isOp(this.tokens[this.pos], close)) {
        this.take();
        return items;
      }
      items.push(this.value());
      const sep = this.take();
      if (this.isOp(sep, close)) return items;
      if (!this.isOp(sep, ',')) this.fail(sep, `expected "," or "${close}" but found`);
    }
  }

  private dict(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (;;) {
      if (this.isOp(this.tokens[this.pos], '}')) {
        this.take();
        return out;
      }
      const keyToken = this.tokens[this.pos];
      const key = this.value();
      if (typeof key !== 'string') this.fail(keyToken, 'dictionary keys must be strings, not');
      const colon = this.take();
      if (!this.isOp(colon, ':')) this.fail(colon, 'expected ":" but found');
      // defineProperty: a key such as "__proto__" becomes an ordinary own property.
      Object.defineProperty(out, key, { value: this.value(), enumerable: true, writable: true, configurable: true });
      const sep = this.take();
      if (this.isOp(sep, '}')) return out;
      if (!this.isOp(sep, ',')) this.fail(sep, 'expected "," or "}" but found');
    }
  }
}

/**
 * Read a Python literal of the safe subset — dict (string keys), list, tuple (→ array), str, int, float,
 * `True`, `False`, `None` — into JSON-compatible data, without evaluating anything.
 * Used for erpsys `ServiceRule.parameter_values` strings such as `{"active": True}` (reference §8.6).
 *
 * @param text the literal, e.g. `{"active": True, "operators": ['chen_yi_sheng']}`.
 * @returns the value, e.g. `{ active: true, operators: ['chen_yi_sheng'] }`.
 * @throws {PythonLiteralError} for anything else (names, calls, sets, non-string dict keys, malformed text).
 */
export function parsePythonLiteral(text: string): unknown {
  let tokens: PyToken[];
  try {
    tokens = tokenizePython(text);
  } catch (err) {
    if (err instanceof PyTokenizeError) throw new PythonLiteralError(text, err.offending, err.message);
    throw err;
  }
  return new LiteralReader(text, tokens).run();
}
