import { z } from 'zod';
import { Attendance, CalendarLeave, Key, LocalDate, TimeZone } from '@opkernel/design';

/**
 * The calendar bodies as the API checks them: the wire shapes of `@opkernel/contracts` (`CalendarBodySchema`,
 * `CalendarLeaveBodySchema`) with the design model's own validators for time zones (IANA, luxon), attendances,
 * local dates and leave ranges — so a REST calendar is refused exactly where a design's would be (422 naming the
 * field, e.g. `attendances.0.to`, `timeZone`).
 */

/** `PUT /calendars/{key}`. */
export const CalendarPutSchema = z
  .object({
    label: z.string().trim().min(1).max(200).optional(),
    timeZone: TimeZone,
    attendances: z.array(Attendance).min(1).max(200),
    holidays: z.array(LocalDate).max(1000).default([]),
  })
  .strict();
export type CalendarPut = z.output<typeof CalendarPutSchema>;

/** `POST /calendars/{key}/leaves`: the design's leave (`[from, to)` with offsets, to after from) for whom. */
export const LeavePostSchema = z
  .object({
    operator: Key.optional(),
    resource: Key.optional(),
    from: z.string(),
    to: z.string(),
    reason: z.string().trim().min(1).max(500).optional(),
  })
  .strict()
  .superRefine((body, ctx) => {
    const leave = CalendarLeave.safeParse({ from: body.from, to: body.to });
    for (const issue of leave.error?.issues ?? [])
      ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
    if (body.operator !== undefined && body.resource !== undefined)
      ctx.addIssue({ code: 'custom', path: ['resource'], message: 'give operator or resource, not both' });
  });
export type LeavePost = z.output<typeof LeavePostSchema>;
