import { HttpException, HttpStatus } from '@nestjs/common';
import { DatabaseError } from 'pg';
import { QueryFailedError } from 'typeorm';
import { z } from 'zod';
import { isKernelError, mapKernelError } from './kernel-error.mapper';
import { PROBLEM_TYPES, ProblemException, validationProblem, type ProblemFieldError } from './problem.exception';

/** Turns zod issues into field errors: `path` joined with dots (`entity.type`); the root is `''`. */
export function zodIssuesToFieldErrors(issues: readonly z.core.$ZodIssue[]): ProblemFieldError[] {
  return issues.map((issue) => ({ field: issue.path.map(String).join('.'), message: issue.message }));
}

/** Reason phrase for a status (`404` → `Not Found`). */
export function statusTitle(status: number): string {
  const name = HttpStatus[status];
  if (typeof name !== 'string') return 'Error';
  return name
    .toLowerCase()
    .split('_')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(' ');
}

const HTTP_TYPES: Record<number, string> = {
  401: PROBLEM_TYPES.unauthorized,
  403: PROBLEM_TYPES.forbidden,
  404: PROBLEM_TYPES.notFound,
};

/**
 * Classifies any thrown value as a {@link ProblemException}:
 * ProblemException as is; Nest `HttpException` → its status; zod error → 422 with `errors`;
 * TypeORM unique violation (23505) → 409, foreign-key (23503) and check (23514) violations → 422;
 * kernel errors → `mapKernelError`; 4xx http-errors from Express middleware → their status; anything else
 * → 500 (details are not leaked).
 */
export function toProblem(exception: unknown): ProblemException {
  if (exception instanceof ProblemException) return exception;

  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const response = exception.getResponse();
    let detail: string | undefined;
    if (typeof response === 'string') detail = response;
    else if (response && typeof response === 'object' && 'message' in response) {
      const message = (response as { message: unknown }).message;
      detail = Array.isArray(message) ? message.join('; ') : String(message);
    }
    return new ProblemException({
      status,
      type: HTTP_TYPES[status] ?? 'about:blank',
      title: statusTitle(status),
      detail,
      headers: status === 401 ? { 'WWW-Authenticate': 'Bearer' } : undefined,
    });
  }

  if (exception instanceof z.core.$ZodError) return validationProblem(zodIssuesToFieldErrors(exception.issues));

  // Through TypeORM (QueryFailedError) or straight from node-postgres (the command path's prepared statements).
  if (exception instanceof QueryFailedError || exception instanceof DatabaseError) {
    const driverError = (exception instanceof QueryFailedError ? exception.driverError : exception) as {
      code?: string;
      constraint?: string;
      table?: string;
    };
    const extra = { constraint: driverError.constraint, table: driverError.table };
    switch (driverError.code) {
      case '23505':
        return new ProblemException({
          status: 409,
          type: PROBLEM_TYPES.conflict,
          title: 'Conflict',
          detail: 'A record with the same unique value already exists',
          extra,
        });
      case '23503':
        return new ProblemException({
          status: 422,
          type: PROBLEM_TYPES.reference,
          title: 'Invalid reference',
          detail: 'The request refers to a record that does not exist (or removes one that is still referenced)',
          extra,
        });
      case '23514':
        return new ProblemException({
          status: 422,
          type: PROBLEM_TYPES.validation,
          title: 'Validation failed',
          detail: 'The data violates a database constraint',
          extra,
        });
      default:
        break;
    }
  }

  if (isKernelError(exception)) return new ProblemException(mapKernelError(exception));

  // http-errors raised by Express middleware (body-parser: 413 too large, 415 unsupported charset, …).
  const httpError = exception as { status?: unknown; expose?: unknown; message?: unknown };
  if (
    exception instanceof Error &&
    httpError.expose === true &&
    typeof httpError.status === 'number' &&
    httpError.status >= 400 &&
    httpError.status < 500
  ) {
    return new ProblemException({
      status: httpError.status,
      title: statusTitle(httpError.status),
      detail: exception.message,
    });
  }

  return new ProblemException({
    status: 500,
    type: PROBLEM_TYPES.internal,
    title: 'Internal Server Error',
    detail: 'An unexpected error occurred',
  });
}
