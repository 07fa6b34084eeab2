import { z } from 'zod';

/** `POST /api/v1/auth/login` body. */
export const LoginBody = z.object({
  username: z.string().trim().min(1).max(200),
  password: z.string().min(1).max(1000),
});
export type LoginBody = z.infer<typeof LoginBody>;

/** Public view of an operator in a login response. */
export const LoginOperatorView = z.object({
  key: z.string(),
  username: z.string().nullable(),
  label: z.string(),
  roles: z.array(z.string()),
  admin: z.boolean(),
});

/** `POST /api/v1/auth/login` response. */
export const LoginResponse = z.object({
  /** HS256 JWT; send as `Authorization: Bearer <accessToken>` and as socket.io `auth.token`. */
  accessToken: z.string(),
  tokenType: z.literal('Bearer'),
  /** Seconds until the token expires (43200 = 12 h). */
  expiresIn: z.number().int(),
  operator: LoginOperatorView,
});
export type LoginResponse = z.infer<typeof LoginResponse>;
