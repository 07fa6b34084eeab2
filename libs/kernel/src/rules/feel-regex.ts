import { RE2JS } from 're2js';

/**
 * The FEEL regular-expression built-ins `matches`, `replace` and `split` on a linear-time engine (re2js, a
 * pure-JavaScript port of RE2), so that no pattern and input can backtrack catastrophically:
 * `matches(form.x, "^(a+)+$")` takes time proportional to the input, whatever its length.
 *
 * feelin 8 implements these built-ins with JavaScript `RegExp` (backtracking). Its built-in table is not
 * exported, but a variable lookup tries the evaluation context before the built-ins
 * (`VariableName` in node_modules/feelin/dist/index.js), so these functions are passed in the context under
 * the built-ins' names and take their place everywhere in an expression (nested `for`, filters, function
 * bodies — they all extend the outer context).
 *
 * Semantics follow feelin's (JavaScript-flavoured) versions: patterns in JavaScript syntax (translated with
 * `RE2JS.translateRegExp`, so `\uXXXX` etc. work), flags `i`, `s`, `m` (`x` is not implemented, as in
 * feelin), replacement strings with `$1`…, `$&` and `$0` (the whole match), `split` as
 * `String.prototype.split`. RE2 has no backreferences and no lookahead: such a pattern is invalid and the call
 * evaluates to null, as an invalid pattern does in feelin. Invalid argument types also give null.
 *
 * The API's worker (apps/api/src/infra/expressions/feel-worker.mjs) carries a JavaScript copy of this module;
 * its integration spec checks both agree.
 */

const FLAG_BITS: Readonly<Record<string, number>> = {
  i: RE2JS.CASE_INSENSITIVE,
  s: RE2JS.DOTALL,
  m: RE2JS.MULTILINE,
};

/** Compiled patterns by `flags/pattern` (null = invalid); bounded, cleared when full. */
const compiled = new Map<string, RE2JS | null>();
const MAX_COMPILED = 500;

/** The compiled pattern, or null when it is not valid RE2 syntax or a flag is unknown. @throws for flag `x` */
function compile(pattern: string, flags: string): RE2JS | null {
  const key = `${flags}/${pattern}`;
  const hit = compiled.get(key);
  if (hit !== undefined) return hit;
  let bits = 0;
  let re: RE2JS | null = null;
  let valid = true;
  for (const flag of flags) {
    if (flag === 'x') throw new Error('not implemented: matches <x> flag');
    const bit = FLAG_BITS[flag];
    if (bit === undefined) valid = false;
    else bits |= bit;
  }
  if (valid) {
    try {
      re = RE2JS.compile(RE2JS.translateRegExp(pattern), bits);
    } catch {
      re = null;
    }
  }
  if (compiled.size >= MAX_COMPILED) compiled.clear();
  compiled.set(key, re);
  return re;
}

/** A string argument (a one-element list is unwrapped, as feelin does), else undefined. */
function text(value: unknown): string | undefined {
  const v = Array.isArray(value) && value.length === 1 ? value[0] : value;
  return typeof v === 'string' ? v : undefined;
}

/** An optional string argument: '' when absent or null, undefined when of another type. */
function optionalText(value: unknown): string | undefined {
  return value === undefined || value === null ? '' : text(value);
}

/** FEEL `matches(input, pattern, flags?)`: whether `pattern` matches somewhere in `input`. */
function matches(input: unknown, pattern: unknown, flags?: unknown): boolean | null {
  const [s, p, f] = [text(input), text(pattern), optionalText(flags)];
  if (s === undefined || p === undefined || f === undefined) return null;
  const re = compile(p, f);
  return re ? re.test(s) : null;
}

/** FEEL `replace(input, pattern, replacement, flags?)`: every match replaced (`$0`/`$&` = the match, `$1`… groups). */
function replace(input: unknown, pattern: unknown, replacement: unknown, flags?: unknown): string | null {
  const [s, p, r, f] = [text(input), text(pattern), text(replacement), optionalText(flags)];
  if (s === undefined || p === undefined || r === undefined || f === undefined) return null;
  const re = compile(p, f);
  return re ? re.matcher(s).replaceAll(r.replace(/\$0/g, '$$&')) : null;
}

/** Index after the code point at `i` (a surrogate pair counts as one, as with the `u` flag). */
function advance(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
    const d = s.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return i + 2;
  }
  return i + 1;
}

/**
 * FEEL `split(string, delimiter)` with the results of `String.prototype.split(regexp)` (ECMA-262
 * `@@split`: an empty match at the current start is skipped, captured groups are included, trailing empty
 * strings kept), found with RE2's leftmost-first search instead of a sticky match at every position.
 */
function split(input: unknown, delimiter: unknown): (string | null)[] | null {
  const [s, p] = [text(input), text(delimiter)];
  if (s === undefined || p === undefined) return null;
  const re = compile(p, '');
  if (!re) return null;
  const m = re.matcher(s);
  if (s.length === 0) return m.lookingAt() ? [] : [s];
  const out: (string | null)[] = [];
  let start = 0;
  let from = 0;
  while (from < s.length && m.find(from)) {
    const at = m.start();
    const end = m.end();
    if (at >= s.length) break;
    if (end === start) {
      from = advance(s, at);
      continue;
    }
    out.push(s.slice(start, at));
    for (let g = 1; g <= m.groupCount(); g++) out.push(m.group(g));
    start = end;
    from = end > at ? end : advance(s, at);
  }
  out.push(s.slice(start));
  return out;
}

matches.$args = ['input', 'pattern', 'flags'];
replace.$args = ['input', 'pattern', 'replacement', 'flags'];
split.$args = ['string', 'delimiter'];

/**
 * Context entries that replace feelin's `matches`, `replace` and `split` (see the module comment): spread
 * them over the evaluation context, last, so a context variable of the same name does not hide them.
 */
export const FEEL_REGEX_FUNCTIONS: Readonly<Record<string, (...args: never[]) => unknown>> = Object.freeze({
  matches,
  replace,
  split,
});
