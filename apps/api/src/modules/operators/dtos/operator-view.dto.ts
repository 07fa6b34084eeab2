import { z } from 'zod';
import type { StaffView } from '@opkernel/contracts';
import type { OperatorEntity } from '../../../infra/database/entities/operator.entity';

/** An operator as listed by `GET /api/v1/operators` (`StaffView` in `@opkernel/contracts`). */
export const OperatorView = z.object({
  key: z.string(),
  username: z.string().nullable(),
  label: z.string(),
  roles: z.array(z.string()),
  staff: z.boolean(),
  admin: z.boolean(),
  locked: z.boolean(),
  hasPassword: z.boolean(),
}) satisfies z.ZodType<StaffView>;
export type OperatorView = z.infer<typeof OperatorView>;

/** An `operators` row → {@link OperatorView} (roles `[]` when null; never the password hash itself). */
export function toOperatorView(row: OperatorEntity): OperatorView {
  return {
    key: row.key,
    username: row.username,
    label: row.label,
    roles: row.roles ?? [],
    staff: row.staff,
    admin: row.admin,
    locked: row.lockedAt !== null,
    hasPassword: row.passwordHash !== null,
  };
}
