/**
 * A tiny tokenizer for the safe Python subset found in erpsys data: event expressions
 * (`process_state=='TERMINATED'`) and rule `parameter_values` literals (`{"active": True}`).
 * It never evaluates anything; callers parse the tokens with their own recursive-descent grammar.
 *
 * Source of the subset: reference/erpsys-original.md §3.3 (expressions) and §8.6 (parameter_values).
 */

/** Token kinds. `op` covers comparison operators and punctuation; `error` is an unrecognised character. */
export type PyTokenKind = 'name' | 'number' | 'string' | 'op' | 'end' | 'error';

/**
 * One token. `value` is the decoded string for `string` tokens and the raw text otherwise;
 * `from`/`to` are offsets into the source text (`text.slice(from, to)` is the raw token).
 */
export type PyToken = { kind: PyTokenKind; value: string; from: number; to: number };

/** Thrown by {@link tokenizePython} for input that is not a token of the subset; carries the offending text. */
export class PyTokenizeError extends Error {
  constructor(
    message: string,
    readonly offending: string,
    readonly position: number,
  ) {
    super(message);
    this.name = 'PyTokenizeError';
  }
}

const OPERATORS = ['==', '!=', '<=', '>=', '<', '>', '(', ')', '[', ']', '{', '}', ',', ':', '.', '-', '+'];

const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  n: '\n',
  r: '\r',
  t: '\t',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
  '0': '\0',
};

function isNameStart(ch: string): boolean {
  return /[\p{L}_]/u.test(ch);
}

function isNameChar(ch: string): boolean {
  return /[\p{L}\p{N}_]/u.test(ch);
}

function readString(text: string, start: number): { value: string; end: number } {
  const quote = text[start];
  if (text.startsWith(quote.repeat(3), start)) {
    throw new PyTokenizeError('triple-quoted strings are not supported', text.slice(start, start + 3), start);
  }
  let i = start + 1;
  let value = '';
  while (i < text.length) {
    const ch = text[i];
    if (ch === quote) return { value, end: i + 1 };
    if (ch === '\n' || ch === '\r') break;
    if (ch !== '\\') {
      value += ch;
      i += 1;
      continue;
    }
    const next = text[i + 1];
    if (next === undefined) break;
    if (next in SIMPLE_ESCAPES && !(next === '0' && /[0-7]/.test(text[i + 2] ?? ''))) {
      value += SIMPLE_ESCAPES[next];
      i += 2;
    } else if (next === 'x' || next === 'u' || next === 'U') {
      const len = next === 'x' ? 2 : next === 'u' ? 4 : 8;
      const hex = text.slice(i + 2, i + 2 + len);
      const code = /^[0-9a-fA-F]+$/.test(hex) && hex.length === len ? parseInt(hex, 16) : NaN;
      if (Number.isNaN(code) || code > 0x10ffff) {
        throw new PyTokenizeError('invalid escape in string literal', text.slice(i, i + 2 + len), i);
      }
      value += String.fromCodePoint(code);
      i += 2 + len;
    } else if (next === '\n') {
      i += 2; // line continuation inside a string
    } else if (/[0-7N]/.test(next)) {
      throw new PyTokenizeError('octal and named escapes are not supported', text.slice(i, i + 2), i);
    } else {
      value += '\\' + next; // Python keeps unknown escapes verbatim
      i += 2;
    }
  }
  throw new PyTokenizeError('unterminated string literal', text.slice(start), start);
}

function readNumber(text: string, start: number): number {
  const match = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/.exec(text.slice(start));
  const end = start + (match ? match[0].length : 0);
  if (end < text.length && (isNameChar(text[end]) || text[end] === '.')) {
    // 0x1F, 1_000, 1j, 1.2.3 ...
    let stop = end;
    while (stop < text.length && (isNameChar(text[stop]) || text[stop] === '.')) stop += 1;
    throw new PyTokenizeError('unsupported numeric literal', text.slice(start, stop), start);
  }
  const raw = text.slice(start, end);
  if (/^0\d/.test(raw) && !/[.eE]/.test(raw) && !/^0+$/.test(raw)) {
    throw new PyTokenizeError('integer literals with leading zeros are not valid Python', raw, start);
  }
  return end;
}

/**
 * Split `text` into tokens of the safe subset: names (Unicode letters, digits, `_`), decimal numbers
 * (`12`, `1.5`, `.5`, `1e3`), single- or double-quoted strings (escapes decoded; no prefixes, no triple quotes),
 * comparison operators `== != < <= > >=` and the punctuation `( ) [ ] { } , : . - +`.
 * The last token is always `{ kind: 'end' }`. An unknown character yields a final `error` token
 * (so a parser can report it in context) instead of throwing.
 *
 * @param text source text, e.g. `process_state=='TERMINATED'`.
 * @returns the token list, e.g. `[name process_state, op ==, string TERMINATED, end]`.
 * @throws {PyTokenizeError} for malformed string or numeric literals (unterminated, bad escape, `0x1F`, ...)
 *   and prefixed strings (`r'x'`, `f"{x}"`).
 */
export function tokenizePython(text: string): PyToken[] {
  const tokens: PyToken[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
      i += 1;
      continue;
    }
    if (ch === "'" || ch === '"') {
      const { value, end } = readString(text, i);
      tokens.push({ kind: 'string', value, from: i, to: end });
      i = end;
      continue;
    }
    if (/\d/.test(ch) || (ch === '.' && /\d/.test(text[i + 1] ?? ''))) {
      const end = readNumber(text, i);
      tokens.push({ kind: 'number', value: text.slice(i, end), from: i, to: end });
      i = end;
      continue;
    }
    if (isNameStart(ch)) {
      let end = i + 1;
      while (end < text.length && isNameChar(text[end])) end += 1;
      if ((text[end] === "'" || text[end] === '"') && /^(?:[rbuf]|rb|br|fr|rf)$/i.test(text.slice(i, end))) {
        const { end: stop } = readString(text, end);
        throw new PyTokenizeError('string prefixes are not supported', text.slice(i, stop), i);
      }
      tokens.push({ kind: 'name', value: text.slice(i, end), from: i, to: end });
      i = end;
      continue;
    }
    const op = OPERATORS.find((candidate) => text.startsWith(candidate, i));
    if (op) {
      tokens.push({ kind: 'op', value: op, from: i, to: i + op.length });
      i += op.length;
      continue;
    }
    const cp = text.codePointAt(i) ?? 0;
    const width = cp > 0xffff ? 2 : 1;
    tokens.push({ kind: 'error', value: text.slice(i, i + width), from: i, to: i + width });
    return [...tokens, { kind: 'end', value: '', from: text.length, to: text.length }];
  }
  tokens.push({ kind: 'end', value: '', from: text.length, to: text.length });
  return tokens;
}
