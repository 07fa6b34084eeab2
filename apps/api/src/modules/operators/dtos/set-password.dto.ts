import { z } from 'zod';

/** `PUT /api/v1/operators/:id/password` body (the strength policy is checked by the service). */
export const SetPasswordBody = z.object({ password: z.string().min(1).max(1000) });
export type SetPasswordBody = z.infer<typeof SetPasswordBody>;

/** `PUT /api/v1/operators/:id/roles` body: role keys of the current design. */
export const SetRolesBody = z.object({ roles: z.array(z.string().min(1).max(200)).max(100) });
export type SetRolesBody = z.infer<typeof SetRolesBody>;
