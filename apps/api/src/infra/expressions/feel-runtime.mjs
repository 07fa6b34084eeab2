// The evaluation of one FEEL rule expression as the API's expression processes run it (feel-child.mjs): the
// process pool (feel-process-pool.ts) bounds its time and memory, so nothing here has to bound anything itself.
//
// Plain JavaScript on purpose: a child process is a fresh Node.js without the TypeScript loader of its parent
// (swc-node for `npm start`, Vite for Vitest), so it loads only packages. It mirrors
// libs/kernel/src/rules/feel.ts (syntax-check cache, result shape) and feel-regex.ts (RE2 built-ins); the
// integration spec apps/api/test/expression-budget.integration-spec.ts checks that both give the same results.
import { evaluate as feelEvaluate, parseExpression } from 'feelin';
import { RE2JS } from 're2js';

// ---- matches / replace / split on RE2 (copy of libs/kernel/src/rules/feel-regex.ts) -------------------------

const FLAG_BITS = { i: RE2JS.CASE_INSENSITIVE, s: RE2JS.DOTALL, m: RE2JS.MULTILINE };
const compiled = new Map();
const MAX_COMPILED = 500;

function compile(pattern, flags) {
  const key = `${flags}/${pattern}`;
  const hit = compiled.get(key);
  if (hit !== undefined) return hit;
  let bits = 0;
  let re = null;
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

function text(value) {
  const v = Array.isArray(value) && value.length === 1 ? value[0] : value;
  return typeof v === 'string' ? v : undefined;
}

function optionalText(value) {
  return value === undefined || value === null ? '' : text(value);
}

function matches(input, pattern, flags) {
  const [s, p, f] = [text(input), text(pattern), optionalText(flags)];
  if (s === undefined || p === undefined || f === undefined) return null;
  const re = compile(p, f);
  return re ? re.test(s) : null;
}

function replace(input, pattern, replacement, flags) {
  const [s, p, r, f] = [text(input), text(pattern), text(replacement), optionalText(flags)];
  if (s === undefined || p === undefined || r === undefined || f === undefined) return null;
  const re = compile(p, f);
  return re ? re.matcher(s).replaceAll(r.replace(/\$0/g, '$$&')) : null;
}

function advance(s, i) {
  const c = s.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
    const d = s.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return i + 2;
  }
  return i + 1;
}

function split(input, delimiter) {
  const [s, p] = [text(input), text(delimiter)];
  if (s === undefined || p === undefined) return null;
  const re = compile(p, '');
  if (!re) return null;
  const m = re.matcher(s);
  if (s.length === 0) return m.lookingAt() ? [] : [s];
  const out = [];
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

const FEEL_REGEX_FUNCTIONS = Object.freeze({ matches, replace, split });

// ---- evaluation (copy of libs/kernel/src/rules/feel.ts) -------------------------------------------------------

const syntaxCache = new Map();
const MAX_CACHE = 10_000;

function check(expression) {
  const cached = syntaxCache.get(expression);
  if (cached) return cached;
  let result = { ok: true };
  try {
    const tree = parseExpression(expression, {}, undefined);
    let bad = null;
    tree.iterate({
      enter(node) {
        if (bad === null && node.type.isError) bad = `syntax error at ${node.from}`;
      },
    });
    if (bad) result = { ok: false, error: bad };
  } catch (e) {
    result = { ok: false, error: message(e) };
  }
  if (syntaxCache.size >= MAX_CACHE) syntaxCache.clear();
  syntaxCache.set(expression, result);
  return result;
}

/** Longest string value or error message sent back: whatever an expression builds stays in its process. */
const MAX_TEXT = 1000;

/** Only small primitives travel back to the API process (the rule engine reads `matched` and `error`). */
function transferable(value) {
  if (typeof value === 'string') return value.length <= MAX_TEXT ? value : null;
  return value === null || typeof value === 'boolean' || typeof value === 'number' ? value : null;
}

function message(e) {
  const text = e instanceof Error ? e.message : String(e);
  return text.length <= MAX_TEXT ? text : `${text.slice(0, MAX_TEXT)}…`;
}

/**
 * @param {{ expression: string, context: Record<string, unknown> }} task
 * @returns {{ matched: boolean, value: unknown, error: string | null }}
 */
export default function evaluateTask({ expression, context }) {
  const checked = check(expression);
  if (!checked.ok) return { matched: false, value: null, error: checked.error };
  try {
    const { value } = feelEvaluate(expression, { ...context, ...FEEL_REGEX_FUNCTIONS });
    return { matched: value === true, value: transferable(value), error: null };
  } catch (e) {
    return { matched: false, value: null, error: message(e) };
  }
}

/** Evaluates a few expressions so that the first real evaluation is not charged for compiling the interpreter. */
export function warmUp() {
  for (const expression of ['process_state = "TERMINATED"', 'matches(s, "^a+$") and count(split(s, "")) > 1']) {
    evaluateTask({ expression, context: { process_state: 'TERMINATED', s: 'aa' } });
  }
}
