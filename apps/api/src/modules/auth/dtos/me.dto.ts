import { z } from 'zod';

/** A role of the current operator with its label from the current design (the key until designs exist). */
export const RoleView = z.object({ key: z.string(), label: z.string() });
export type RoleView = z.infer<typeof RoleView>;

/** `GET /api/v1/me` response. */
export const MeResponse = z.object({
  operator: z.object({
    key: z.string(),
    username: z.string().nullable(),
    label: z.string(),
    roles: z.array(z.string()),
    admin: z.boolean(),
    staff: z.boolean(),
  }),
  roles: z.array(RoleView),
  /** Keys of the services the operator may start or work on. */
  services: z.array(z.string()),
});
export type MeResponse = z.infer<typeof MeResponse>;
