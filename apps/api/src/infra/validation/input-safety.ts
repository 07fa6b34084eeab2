import { PROBLEM_TYPES, ProblemException } from '../problem/problem.exception';

/** Deepest JSON nesting accepted in a request body (objects and arrays), levels. */
export const MAX_JSON_DEPTH = 64;

/** A lone UTF-16 surrogate (not part of a pair) — unencodable as UTF-8, so PostgreSQL refuses it. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why `text` cannot be stored, or null: a NUL character (PostgreSQL text cannot hold it) or a lone surrogate. */
export function unsafeText(text: string): string | null {
  if (text.includes('\u0000')) return 'must not contain NUL characters';
  if (LONE_SURROGATE.test(text)) return 'must be valid Unicode (no lone surrogate)';
  return null;
}

/** A dot path for a problem's `field` (`entity.label`, `items.0`); `root` when the value itself is at fault. */
const pathOf = (parts: (string | number)[], root: string) => (parts.length === 0 ? root : parts.join('.'));

/**
 * Checks a parsed request value without recursion (so no input can overflow the stack): every string and object
 * key is storable text ({@link unsafeText}), every number finite (`1e400` parses to Infinity, which JSON cannot
 * hold) and nesting is at most {@link MAX_JSON_DEPTH} levels.
 * @param root the field name reported for the value itself (`body`, or a query parameter's name).
 * @param prefix path parts put before each reported field (e.g. none for the body, so fields read `entity.label`).
 * @throws ProblemException 400 naming the field for bad text or a non-finite number; 400 for nesting that is too deep.
 */
export function assertSafeInput(value: unknown, root: string, prefix: (string | number)[] = []): void {
  const stack: { value: unknown; path: (string | number)[]; depth: number }[] = [{ value, path: prefix, depth: 0 }];
  while (stack.length > 0) {
    const { value: v, path, depth } = stack.pop()!;
    if (typeof v === 'string') {
      const reason = unsafeText(v);
      if (reason) throw badText(pathOf(path, root), reason);
      continue;
    }
    if (typeof v === 'number' && !Number.isFinite(v)) {
      const field = pathOf(path, root);
      throw badText(field, 'must be a finite number');
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth >= MAX_JSON_DEPTH) {
      throw new ProblemException({
        status: 400,
        type: PROBLEM_TYPES.validation,
        title: 'Bad Request',
        detail: `the request nests deeper than ${MAX_JSON_DEPTH} levels`,
        errors: [{ field: pathOf(path, root), message: `nests deeper than ${MAX_JSON_DEPTH} levels` }],
      });
    }
    const entries: [string | number, unknown][] = Array.isArray(v) ? v.map((x, i) => [i, x]) : Object.entries(v);
    for (const [key, child] of entries) {
      if (typeof key === 'string') {
        const reason = unsafeText(key);
        if (reason) throw badText(pathOf([...path, key], root), `its name ${reason}`);
      }
      stack.push({ value: child, path: [...path, key], depth: depth + 1 });
    }
  }
}

function badText(field: string, reason: string): ProblemException {
  return new ProblemException({
    status: 400,
    type: PROBLEM_TYPES.validation,
    title: 'Bad Request',
    detail: `${field} ${reason}`,
    errors: [{ field, message: reason }],
  });
}
