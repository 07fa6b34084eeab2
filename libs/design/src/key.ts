import { z } from 'zod';

/**
 * A stable key: letters, digits, `_`, `-`, `.`; 1–120 characters. erpsys `name`s fit. In its own module so that
 * the model's parts (`model.ts`, `automation.ts`) share it without importing each other.
 */
export const Key = z
  .string()
  .min(1)
  .max(120)
  .regex(/^[A-Za-z0-9_.\-]+$/, 'must contain only letters, digits, "_", "-" or "."');
export type Key = z.infer<typeof Key>;
