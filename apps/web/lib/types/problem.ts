/** One failing input field; `field` is a dot path into the request body (`form.age`). */
export type ProblemFieldError = { field: string; message: string };

/** An RFC 9457 problem document as the API sends it. */
export type ProblemDocument = {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: ProblemFieldError[];
  [extension: string]: unknown;
};
