import type { ProblemFieldError } from './types/problem';

/**
 * Splits a 422's field errors into the messages of the inputs the form shows (`fields`; several messages of one
 * field are joined) and the rest, shown form-level.
 */
export function splitFieldErrors<F extends string>(
  errors: ProblemFieldError[],
  fields: readonly F[],
): { byField: Partial<Record<F, string>>; rest: ProblemFieldError[] } {
  const byField: Partial<Record<F, string>> = {};
  const rest: ProblemFieldError[] = [];
  for (const e of errors) {
    const field = fields.find((f) => f === e.field);
    if (field === undefined) rest.push(e);
    else byField[field] = byField[field] ? `${byField[field]} ${e.message}` : e.message;
  }
  return { byField, rest };
}
