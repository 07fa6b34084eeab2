import { z } from 'zod';

/** `POST /api/v1/auth/login` body. */
export const LoginBody = z.object({
  username: z.string().trim().min(1).max(200),
  password: z.string().min(1).max(1000),
});
export type LoginBody = z.infer<typeof LoginBody>;

/** `POST /api/v1/auth/refresh` body. */
export const RefreshBody = z.object({ refreshToken: z.string().min(1).max(200) });
export type RefreshBody = z.infer<typeof RefreshBody>;

/** `PUT /api/v1/me/password` body. */
export const ChangeMyPasswordBody = z.object({
  currentPassword: z.string().min(1).max(1000),
  newPassword: z.string().min(1).max(1000),
});
export type ChangeMyPasswordBody = z.infer<typeof ChangeMyPasswordBody>;

/** Public view of an operator in a login response. */
export const LoginOperatorView = z.object({
  key: z.string(),
  username: z.string().nullable(),
  label: z.string(),
  roles: z.array(z.string()),
  admin: z.boolean(),
});

/** `POST /api/v1/auth/login` and `/refresh` response (`TokenPair` in `@opkernel/contracts`). */
export const LoginResponse = z.object({
  /** HS256 JWT; send as `Authorization: Bearer <accessToken>` and as socket.io `auth.token`. */
  accessToken: z.string(),
  tokenType: z.literal('Bearer'),
  /** Seconds until the access token expires (900 = 15 min). */
  expiresIn: z.number().int(),
  /** Opaque, single use: exchange it at `POST /api/v1/auth/refresh` for the next pair. */
  refreshToken: z.string(),
  /** Seconds until the refresh token expires (43200 = 12 h). */
  refreshExpiresIn: z.number().int(),
  operator: LoginOperatorView,
});
export type LoginResponse = z.infer<typeof LoginResponse>;
