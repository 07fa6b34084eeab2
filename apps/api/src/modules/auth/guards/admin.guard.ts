import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { forbidden, unauthorized } from '../auth.errors';
import type { AuthenticatedRequest } from '../types/authenticated-operator.type';

/** Lets only administrators through; runs after the global `JwtAuthGuard`. @throws ProblemException 403 */
@Injectable()
export class AdminGuard implements CanActivate {
  /** @returns true for an administrator. @throws ProblemException 401 without operator, 403 for a non-admin. */
  canActivate(context: ExecutionContext): boolean {
    const operator = context.switchToHttp().getRequest<AuthenticatedRequest>().operator;
    if (!operator) throw unauthorized('Authentication required');
    if (!operator.admin) throw forbidden('Administrator rights are required');
    return true;
  }
}
