/** One failing input field; `field` is a dot path into the request body or query (`entity.type`, `form.age`). */
export type ProblemFieldError = { field: string; message: string };

/**
 * An RFC 9457 problem document as the API sends it (`application/problem+json`). `type` is a URI (`about:blank`
 * for plain HTTP statuses, `urn:opkernel:problem:<slug>` for ours); extension members (e.g. `code`) may be added.
 */
export type ProblemDocument = {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: ProblemFieldError[];
  [extension: string]: unknown;
};
