import { ProblemException } from '../../infra/problem/problem.exception';

/** 401 for a missing, invalid or expired token, or an operator that no longer exists. */
export function unauthorized(detail: string): ProblemException {
  return ProblemException.unauthorized(detail);
}

/** 403 for an authenticated operator lacking a right. */
export function forbidden(detail: string): ProblemException {
  return ProblemException.forbidden(detail);
}

/** The one message for unknown usernames and wrong passwords alike. */
export const BAD_CREDENTIALS = 'Invalid username or password';
