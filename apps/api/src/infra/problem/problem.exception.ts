/** Media type of every error response (RFC 9457). */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

import type { ProblemDocument, ProblemFieldError } from '@opkernel/contracts';

export type { ProblemDocument, ProblemFieldError };

/** Problem type URIs used by the API. */
export const PROBLEM_TYPES = {
  validation: 'urn:opkernel:problem:validation-failed',
  conflict: 'urn:opkernel:problem:conflict',
  reference: 'urn:opkernel:problem:invalid-reference',
  unauthorized: 'urn:opkernel:problem:unauthorized',
  forbidden: 'urn:opkernel:problem:forbidden',
  notFound: 'urn:opkernel:problem:not-found',
  kernel: 'urn:opkernel:problem:kernel',
  throttled: 'urn:opkernel:problem:too-many-requests',
  unsupportedMedia: 'urn:opkernel:problem:unsupported-media-type',
  unavailable: 'urn:opkernel:problem:service-unavailable',
  internal: 'urn:opkernel:problem:internal',
} as const;

/** What a {@link ProblemException} is built from. */
export type ProblemInit = {
  /** HTTP status, 400–599. */
  status: number;
  /** Problem type URI. @default 'about:blank' */
  type?: string;
  /** Short summary, the same for every occurrence of the type. */
  title: string;
  /** Explanation of this occurrence. */
  detail?: string;
  errors?: ProblemFieldError[];
  /** Extension members merged into the document (must not override the standard members). */
  extra?: Record<string, unknown>;
  /** Extra response headers, e.g. `WWW-Authenticate`. */
  headers?: Record<string, string>;
};

/**
 * Throw to answer with a specific problem+json document; the global `ProblemFilter` renders it.
 * @example throw new ProblemException({ status: 404, type: PROBLEM_TYPES.notFound, title: 'Not Found', detail: `No operator "${key}"` })
 */
export class ProblemException extends Error {
  override readonly name = 'ProblemException';
  readonly status: number;
  readonly type: string;
  readonly title: string;
  readonly detail?: string;
  readonly errors?: ProblemFieldError[];
  readonly extra?: Record<string, unknown>;
  readonly headers?: Record<string, string>;

  constructor(init: ProblemInit) {
    super(init.detail ?? init.title);
    this.status = init.status;
    this.type = init.type ?? 'about:blank';
    this.title = init.title;
    this.detail = init.detail;
    this.errors = init.errors;
    this.extra = init.extra;
    this.headers = init.headers;
  }

  /** 404 Not Found. */
  static notFound(detail: string): ProblemException {
    return new ProblemException({ status: 404, type: PROBLEM_TYPES.notFound, title: 'Not Found', detail });
  }

  /** 409 Conflict: the request is valid but clashes with the current state. */
  static conflict(detail: string, extra?: Record<string, unknown>): ProblemException {
    return new ProblemException({ status: 409, type: PROBLEM_TYPES.conflict, title: 'Conflict', detail, extra });
  }

  /** 422 Unprocessable Content with optional per-field errors. */
  static unprocessable(detail: string, errors?: ProblemFieldError[]): ProblemException {
    return new ProblemException({
      status: 422,
      type: PROBLEM_TYPES.validation,
      title: 'Validation failed',
      detail,
      errors,
    });
  }

  /** 400 Bad Request. */
  static badRequest(detail: string): ProblemException {
    return new ProblemException({ status: 400, type: 'about:blank', title: 'Bad Request', detail });
  }

  /** 401 Unauthorized (adds `WWW-Authenticate: Bearer`). */
  static unauthorized(detail: string): ProblemException {
    return new ProblemException({
      status: 401,
      type: PROBLEM_TYPES.unauthorized,
      title: 'Unauthorized',
      detail,
      headers: { 'WWW-Authenticate': 'Bearer' },
    });
  }

  /** 403 Forbidden. */
  static forbidden(detail: string): ProblemException {
    return new ProblemException({ status: 403, type: PROBLEM_TYPES.forbidden, title: 'Forbidden', detail });
  }

  /** The document sent to the client. */
  toDocument(instance?: string): ProblemDocument {
    return {
      ...this.extra,
      type: this.type,
      title: this.title,
      status: this.status,
      ...(this.detail !== undefined ? { detail: this.detail } : {}),
      ...(instance !== undefined ? { instance } : {}),
      ...(this.errors !== undefined ? { errors: this.errors } : {}),
    };
  }
}

/** 422 with one entry per failing field. */
export function validationProblem(errors: ProblemFieldError[], detail = 'The request is not valid'): ProblemException {
  return ProblemException.unprocessable(detail, errors);
}
