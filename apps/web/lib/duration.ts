/** Parts of a duration for display: days, hours, minutes, seconds (whole, non-negative). */
export type DurationParts = { d: number; h: number; m: number; s: number };

/** Splits `ms` (its absolute value) into days, hours, minutes and seconds. */
export function durationParts(ms: number): DurationParts {
  const total = Math.floor(Math.abs(ms) / 1000);
  return {
    d: Math.floor(total / 86_400),
    h: Math.floor((total % 86_400) / 3600),
    m: Math.floor((total % 3600) / 60),
    s: total % 60,
  };
}

/** Keys of {@link durationMessage} under `sched.duration`. */
export type DurationKey = 'days' | 'daysOnly' | 'hours' | 'hoursOnly' | 'minutes' | 'minutesOnly' | 'seconds';

/**
 * The i18n key and values of a short duration: `3 d 4 h`, `2 h 5 min`, `4 min 12 s`, `9 s` — the two largest
 * units, the second left out when zero (`10 min`, `2 h`). Keys live under `sched.duration`.
 */
export function durationMessage(ms: number): { key: DurationKey; values: DurationParts } {
  const p = durationParts(ms);
  if (p.d > 0) return { key: p.h > 0 ? 'days' : 'daysOnly', values: p };
  if (p.h > 0) return { key: p.m > 0 ? 'hours' : 'hoursOnly', values: p };
  if (p.m > 0) return { key: p.s > 0 ? 'minutes' : 'minutesOnly', values: p };
  return { key: 'seconds', values: p };
}
