import { z } from 'zod';

/** One fire of a schedule: when it was due (ISO-8601), the process it started, and when that was recorded. */
export const ScheduleFireSchema = z.object({
  fireAt: z.string(),
  pid: z.number().int().nullable(),
  firedAt: z.string(),
});
export type ScheduleFire = z.infer<typeof ScheduleFireSchema>;

/**
 * One schedule of the current design as admins see it (`GET /v1/schedules`): its element (key, label, `cron` in
 * `tz` or `every` as an ISO duration, the service it starts, enabled), its BullMQ job scheduler (`schedulerId`,
 * `nextFireAt` — ISO-8601, null when none is scheduled, e.g. a disabled schedule), and its last fires, newest first.
 */
export const ScheduleViewSchema = z.object({
  key: z.string(),
  label: z.string().nullable(),
  cron: z.string().nullable(),
  tz: z.string(),
  every: z.string().nullable(),
  start: z.string(),
  enabled: z.boolean(),
  schedulerId: z.string(),
  nextFireAt: z.string().nullable(),
  lastFires: z.array(ScheduleFireSchema),
});
export type ScheduleView = z.infer<typeof ScheduleViewSchema>;

/** Query of `GET /v1/schedules`: how many last fires each schedule lists (0–100, default 10). */
export const SchedulesQuerySchema = z.object({ fires: z.coerce.number().int().min(0).max(100).default(10) }).strict();
export type SchedulesQuery = z.infer<typeof SchedulesQuerySchema>;
