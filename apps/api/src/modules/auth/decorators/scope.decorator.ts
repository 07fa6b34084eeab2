import { SetMetadata } from '@nestjs/common';
import type { ApiTokenScope } from '@opkernel/contracts';

export const SCOPE_KEY = 'opkernel:scope';

/** Every scope an integrator API token can hold. */
export const API_TOKEN_SCOPES: readonly ApiTokenScope[] = [
  'processes:read',
  'processes:write',
  'designs:write',
  'metrics:read',
  'events:write',
];

/** What a route asks of an API token: one scope, or `any` (any valid token, e.g. `GET /me`). */
export type RouteScope = ApiTokenScope | 'any';

/**
 * The scope an integrator API token needs for a route (or every route of a controller; a method's own wins).
 * Routes without it refuse API tokens (403): operator administration, API tokens, passwords, logout.
 * People's logins are not affected (their roles decide).
 */
export const RequireScope = (scope: RouteScope): MethodDecorator & ClassDecorator => SetMetadata(SCOPE_KEY, scope);
