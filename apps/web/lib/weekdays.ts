import { currentLanguage } from './i18n';

/** ISO weekdays 1 (Monday) … 7 (Sunday). */
export const ISO_WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;

/** The name of ISO weekday `day` (1 = Monday) in the UI language, `long` ("Monday", "星期一") or `short`. */
export function weekdayName(day: number, width: 'long' | 'short' = 'long'): string {
  // 2024-01-01 was a Monday.
  const date = new Date(2024, 0, day);
  return new Intl.DateTimeFormat(currentLanguage() === 'zh' ? 'zh-CN' : 'en-GB', { weekday: width }).format(date);
}

/** `HH:mm` (`24:00` allowed) as minutes after midnight. */
export function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}
