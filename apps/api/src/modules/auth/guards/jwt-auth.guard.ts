import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { forbidden, unauthorized } from '../auth.errors';
import { API_TOKEN_PREFIX, ApiTokenAuthenticator } from '../api-token-authenticator.service';
import { IS_PUBLIC_KEY } from '../decorators/public.decorator';
import { SCOPE_KEY, type RouteScope } from '../decorators/scope.decorator';
import { OperatorDirectory, type OperatorCredentials } from '../operator-directory.service';
import { TokenService } from '../token.service';
import type { AuthenticatedRequest } from '../types/authenticated-operator.type';

/**
 * Global guard: every HTTP route needs `Authorization: Bearer <token>` unless marked `@Public()`.
 * - A person's access token (JWT): the operator comes from the directory's short cache (evicted at once by a
 *   revocation in this process, within 2 s elsewhere) and is refused when locked or when the token's version is
 *   older than the operator's (revoked).
 * - An integrator API token (`opk_…`): refused once revoked; allowed only on routes whose `@RequireScope()` it
 *   holds (403 otherwise, also on routes that declare none).
 * WebSocket gateways authenticate their handshake themselves.
 * @throws ProblemException 401 (problem+json, `WWW-Authenticate: Bearer`), 403 for a missing scope.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    private readonly directory: OperatorDirectory,
    private readonly apiTokens: ApiTokenAuthenticator,
  ) {}

  /** @returns true when the request may go on. @throws ProblemException 401 / 403 (see the class comment). */
  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, targets)) return true;

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = TokenService.fromAuthorizationHeader(request.headers.authorization);
    if (!token) throw unauthorized('A bearer token is required');

    if (token.startsWith(API_TOKEN_PREFIX)) {
      const identity = await this.apiTokens.authenticate(token);
      if (!identity) throw unauthorized('The API token is invalid or revoked');
      const scope = this.reflector.getAllAndOverride<RouteScope | undefined>(SCOPE_KEY, targets);
      if (!scope || (scope !== 'any' && !identity.principal.scopes.includes(scope))) {
        throw forbidden(scope ? `this API token lacks the scope ${scope}` : 'API tokens may not use this route');
      }
      request.operator = identity.operator;
      request.apiToken = identity.principal;
      return true;
    }

    const subject = await this.tokens.verify(token);
    if (!subject) throw unauthorized('The token is invalid or expired');
    const accepts = (c: OperatorCredentials | null) => c && !c.locked && c.tokenVersion === subject.tokenVersion;
    let found = await this.directory.cachedCredentials(subject.username);
    // Only an acceptance comes from the cache: a refusal is re-checked against the database (e.g. just unlocked).
    if (!accepts(found)) found = await this.directory.credentials(subject.username);
    if (!found) throw unauthorized('The operator of this token no longer exists');
    if (found.locked || found.tokenVersion !== subject.tokenVersion) throw unauthorized('The token has been revoked');
    request.operator = found.operator;
    return true;
  }
}
