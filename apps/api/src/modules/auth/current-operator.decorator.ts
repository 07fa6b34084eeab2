import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { unauthorized } from './auth.errors';
import type { AuthenticatedOperator, AuthenticatedRequest } from './types/authenticated-operator.type';

export type { AuthenticatedOperator } from './types/authenticated-operator.type';

/**
 * Injects the {@link AuthenticatedOperator} of the request (`{ key, username, label, roles, admin, staff }`),
 * loaded from `operators` by the global auth guard for this request.
 * @throws ProblemException 401 when used on a `@Public()` route without a token.
 */
export const CurrentOperator = createParamDecorator((_data: unknown, ctx: ExecutionContext): AuthenticatedOperator => {
  const operator = ctx.switchToHttp().getRequest<AuthenticatedRequest>().operator;
  if (!operator) throw unauthorized('Authentication required');
  return operator;
});
