/**
 * One problem found in a design document. `path` points into the document in JavaScript notation
 * (`rules[3].operand`, `events[0].expression`; the empty string is the document itself); `code` is a
 * stable machine-readable kind (`unknown_reference`, `duplicate_key`, `invalid_expression`, a zod issue
 * code such as `invalid_type`, ...); `message` is for humans and names the offending element.
 */
export type DesignIssue = { path: string; code: string; message: string };

/** Thrown by the importers when a design (or its source data) is invalid; carries every issue found. */
export class DesignValidationError extends Error {
  readonly issues: DesignIssue[];

  constructor(issues: DesignIssue[], context = 'design is invalid') {
    const shown = issues
      .slice(0, 5)
      .map((i) => `${i.path || '(document)'}: ${i.message}`)
      .join('; ');
    const more = issues.length > 5 ? `; … ${issues.length - 5} more` : '';
    super(`${context} (${issues.length} issue${issues.length === 1 ? '' : 's'}): ${shown}${more}`);
    this.name = 'DesignValidationError';
    this.issues = issues;
  }
}

/**
 * Format a path (as zod reports it) in JavaScript notation: `['rules', 3, 'operand']` → `rules[3].operand`.
 * @param segments property names and array indices.
 * @returns the dotted/bracketed path; `''` for the empty path.
 */
export function formatIssuePath(segments: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (typeof segment === 'string' && /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(segment)) {
      out += out ? `.${segment}` : segment;
    } else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out;
}
