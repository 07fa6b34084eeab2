import type { OperatorView } from './operator';

/**
 * Sessions: a short access token (JWT, 15 minutes) plus a rotating refresh token (opaque,
 * stored hashed). `POST /api/v1/auth/login {username, password}` and `POST /api/v1/auth/refresh {refreshToken}`
 * both answer {@link TokenPair}; a refresh token works once (it is replaced by the new one). A password change, a
 * role change, a lock or `POST /api/v1/auth/logout` revokes every token of the operator at once (401 on the next
 * request) and disconnects their live sockets.
 */
export type TokenPair = {
  /** HS256 JWT: `Authorization: Bearer <accessToken>` and socket.io `auth.token`. */
  accessToken: string;
  tokenType: 'Bearer';
  /** Seconds until the access token expires. */
  expiresIn: number;
  /** Opaque; exchange at `POST /api/v1/auth/refresh` before or after the access token expires. */
  refreshToken: string;
  /** Seconds until the refresh token expires (unless used or revoked first). */
  refreshExpiresIn: number;
  operator: Pick<OperatorView, 'key' | 'username' | 'label' | 'roles' | 'admin'>;
};

/** `PUT /api/v1/me/password` body; answers 200 {@link TokenPair} (the other sessions are revoked). */
export type ChangeMyPasswordBody = { currentPassword: string; newPassword: string };

/** Scopes of an integrator API token. */
export type ApiTokenScope = 'processes:read' | 'processes:write' | 'designs:write' | 'metrics:read' | 'events:write';

/** `POST /api/v1/api-tokens` body (administrators). */
export type CreateApiTokenBody = { name: string; scopes: ApiTokenScope[] };

/** An API token as listed by `GET /api/v1/api-tokens` (the secret itself is never shown again). */
export type ApiTokenView = {
  id: string;
  name: string;
  scopes: ApiTokenScope[];
  /** Operator key of the administrator who created it. */
  createdBy: string | null;
  /** ISO-8601. */
  createdAt: string;
  /** ISO-8601, null when never used. */
  lastUsedAt: string | null;
};

/** `POST /api/v1/api-tokens` answer (201): the token, shown once; send it as `Authorization: Bearer <token>`. */
export type CreatedApiToken = ApiTokenView & { token: string };

/** An operator as administrators see it (`GET /api/v1/operators`, Admin › Staff). */
export type StaffView = {
  key: string;
  username: string | null;
  label: string;
  roles: string[];
  staff: boolean;
  admin: boolean;
  /** A locked operator cannot log in and every token of theirs is refused. */
  locked: boolean;
  /** False when no password was ever set (cannot log in). */
  hasPassword: boolean;
};

/** `PUT /api/v1/operators/{key}/roles` body (administrators) → 200 {@link StaffView}. */
export type SetRolesBody = { roles: string[] };
