import type { OperatorView } from '@opkernel/contracts';

/** The operator behind a request or socket, loaded from `operators` for each request. */
export type AuthenticatedOperator = OperatorView;

/** The part of an HTTP request the auth guard reads and writes. */
export type AuthenticatedRequest = {
  headers: Record<string, string | string[] | undefined>;
  /** Set by `JwtAuthGuard` on protected routes. */
  operator?: AuthenticatedOperator;
};
