import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { unauthorized } from '../auth.errors';
import { IS_PUBLIC_KEY } from '../decorators/public.decorator';
import { OperatorDirectory } from '../operator-directory.service';
import { TokenService } from '../token.service';
import type { AuthenticatedRequest } from '../types/authenticated-operator.type';

/**
 * Global guard: every HTTP route needs `Authorization: Bearer <token>` unless marked `@Public()`. Loads the
 * operator from the database on every request (so role changes apply at once) into `request.operator`.
 * WebSocket gateways authenticate their handshake themselves.
 * @throws ProblemException 401 (problem+json, `WWW-Authenticate: Bearer`).
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    private readonly directory: OperatorDirectory,
  ) {}

  /**
   * Lets `@Public()` routes and non-HTTP contexts through; otherwise verifies the bearer token and loads its
   * operator into `request.operator`.
   * @throws ProblemException 401 for a missing or invalid token or a deleted operator.
   */
  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = TokenService.fromAuthorizationHeader(request.headers.authorization);
    if (!token) throw unauthorized('A bearer token is required');
    const key = await this.tokens.verify(token);
    if (!key) throw unauthorized('The token is invalid or expired');
    const operator = await this.directory.findByUsername(key);
    if (!operator) throw unauthorized('The operator of this token no longer exists');
    request.operator = operator;
    return true;
  }
}
