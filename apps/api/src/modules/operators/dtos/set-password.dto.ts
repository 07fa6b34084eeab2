import { z } from 'zod';

/** `PUT /api/v1/operators/:id/password` body. */
export const SetPasswordBody = z.object({
  password: z.string().min(8, 'must be at least 8 characters').max(1000),
});
export type SetPasswordBody = z.infer<typeof SetPasswordBody>;
