import type { ErrorSchema } from '@rjsf/utils';
import type { ProblemFieldError } from './types/problem';

/**
 * Splits a 422's field errors: those under `form.` become an rjsf `extraErrors` schema (shown at the field;
 * `form.a.b` → `{ a: { b: { __errors } } }`), the rest stay form-level.
 */
export function toExtraErrors(errors: ProblemFieldError[]): {
  extra: ErrorSchema | undefined;
  rest: ProblemFieldError[];
} {
  const extra: Record<string, unknown> = {};
  const rest: ProblemFieldError[] = [];
  let any = false;
  for (const e of errors) {
    const path = e.field.split('.');
    if (path[0] !== 'form' || path.length < 2) {
      rest.push(e);
      continue;
    }
    any = true;
    let node = extra;
    for (const part of path.slice(1)) {
      node[part] ??= {};
      node = node[part] as Record<string, unknown>;
    }
    const list = (node['__errors'] ??= []) as string[];
    list.push(e.message);
  }
  return { extra: any ? (extra as ErrorSchema) : undefined, rest };
}
