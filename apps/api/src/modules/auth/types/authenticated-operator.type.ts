import type { ApiTokenScope } from '@opkernel/contracts';
import type { OperatorView } from '@opkernel/contracts';
import type { Actor } from '@opkernel/kernel';

/** The operator behind a request or socket, loaded from `operators` for each request. */
export type AuthenticatedOperator = OperatorView;

/** The integrator API token a request authenticated with (absent for a person's login). */
export type ApiTokenPrincipal = { id: string; name: string; scopes: ApiTokenScope[] };

/** The part of an HTTP request the auth guard reads and writes. */
export type AuthenticatedRequest = {
  headers: Record<string, string | string[] | undefined>;
  /** Set by `JwtAuthGuard` on protected routes. */
  operator?: AuthenticatedOperator;
  /** Set by `JwtAuthGuard` when the bearer token is an integrator API token. */
  apiToken?: ApiTokenPrincipal;
};

/** Key prefix of the operators that stand for integrator API tokens (`integration:<token id>`). */
export const INTEGRATION_KEY_PREFIX = 'integration:';

/** The kernel actor of a request's operator: an `integration` for an API token's operator, else an `operator`. */
export function actorOf(operator: AuthenticatedOperator): Actor {
  return {
    key: operator.key,
    roles: operator.roles,
    admin: operator.admin,
    kind: operator.key.startsWith(INTEGRATION_KEY_PREFIX) ? 'integration' : 'operator',
  };
}
