import { CronExpressionParser } from 'cron-parser';
import { Duration } from 'luxon';
import { z } from 'zod';
import { Key } from './key';
// model.ts imports this file to build DesignDocument, so its schemas are read lazily (at parse time), when both
// modules have finished loading.
import { IsoDuration, TimeZone } from './model';

/** Shortest `every` of a schedule, ms (BullMQ's job schedulers fire on whole milliseconds; more often is noise). */
export const MIN_SCHEDULE_EVERY_MS = 1_000;

/** Why a cron pattern is refused, or null when cron-parser (BullMQ's parser) reads it as 5 or 6 fields. */
export function cronProblem(pattern: string): string | null {
  const fields = pattern.trim().split(/\s+/);
  if (fields.length !== 5 && fields.length !== 6)
    return `must have 5 fields (minute hour day month weekday) or 6 (seconds first), not ${fields.length}`;
  try {
    CronExpressionParser.parse(pattern);
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/** A cron pattern of 5 fields, or 6 with seconds first, as BullMQ reads it. Issue code `invalid_cron`. */
export const CronPattern = z
  .string()
  .min(1)
  .superRefine((pattern, ctx) => {
    const problem = cronProblem(pattern);
    if (problem) ctx.addIssue({ code: 'custom', message: `cron ${problem}`, params: { code: 'invalid_cron' } });
  });

/**
 * A recurring schedule (reference/decks.md §2.8): every fire time of `cron` (in `tz`) or every `every` starts
 * service `start` as the `timer` actor, once per fire time however many API processes run; the started process
 * has `schedule: {key, fireAt}` in its frame. `entity` is the one entity all its processes serve (created at the
 * first fire). `enabled: false` keeps the schedule in the design without firing it.
 */
export const Schedule = z
  .object({
    key: Key,
    label: z.string().min(1).optional(),
    /** `m h dom mon dow` or `s m h dom mon dow`; exactly one of `cron` and `every`. */
    cron: CronPattern.optional(),
    /** The zone `cron` is read in (IANA; default `UTC`); ignored by `every`. */
    tz: z.lazy(() => TimeZone).default('UTC'),
    /** An ISO-8601 duration of at least 1 s (`PT15M`): BullMQ fires when the scheduler is added, then every `every`. */
    every: z.lazy(() => IsoDuration).optional(),
    start: Key,
    entity: z
      .object({ type: Key, label: z.string().min(1) })
      .strict()
      .optional(),
    /** 0–1000; default: the service's default priority. */
    priority: z.number().int().min(0).max(1000).optional(),
    enabled: z.boolean().default(true),
  })
  .strict()
  .superRefine((s, ctx) => {
    if ((s.cron === undefined) === (s.every === undefined))
      ctx.addIssue({
        code: 'custom',
        path: [s.cron === undefined ? 'cron' : 'every'],
        message: 'a schedule needs exactly one of cron and every',
        params: { code: 'schedule_shape' },
      });
    if (s.every !== undefined && Duration.fromISO(s.every).toMillis() < MIN_SCHEDULE_EVERY_MS)
      ctx.addIssue({
        code: 'custom',
        path: ['every'],
        message: 'must be at least PT1S',
        params: { code: 'invalid_duration' },
      });
  });
/** A parsed schedule (`tz` and `enabled` filled in). */
export type Schedule = z.infer<typeof Schedule>;

/** How BullMQ repeats a schedule: a cron `pattern` read in `tz`, or `every` ms. */
export type ScheduleRepeat = { pattern: string; tz: string } | { every: number };

/**
 * The BullMQ repeat options of a parsed schedule.
 * @returns `{pattern, tz}` for `cron`, `{every}` (ms) for `every`
 */
export function scheduleRepeat(s: Pick<Schedule, 'cron' | 'tz' | 'every'>): ScheduleRepeat {
  if (s.cron !== undefined) return { pattern: s.cron.trim(), tz: s.tz };
  return { every: Duration.fromISO(s.every ?? '').toMillis() };
}
