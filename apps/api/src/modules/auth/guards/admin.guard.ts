import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { forbidden, unauthorized } from '../auth.errors';
import type { AuthenticatedRequest } from '../types/authenticated-operator.type';

/**
 * Lets only administrators through; runs after the global `JwtAuthGuard`. An API token reaching here has passed
 * the route's `@RequireScope()` check there (routes without one refuse tokens), e.g. `designs:write`.
 * @throws ProblemException 401 without operator, 403 for a non-admin.
 */
@Injectable()
export class AdminGuard implements CanActivate {
  /** @returns true for an administrator signed in as a person. */
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const operator = request.operator;
    if (!operator) throw unauthorized('Authentication required');
    if (request.apiToken) return true;
    if (!operator.admin) throw forbidden('Administrator rights are required');
    return true;
  }
}
