'use client';
import { useTranslation } from 'react-i18next';
import type { CalendarAttendance } from '../../lib/types/scheduler';
import { ISO_WEEKDAYS, minutesOf, weekdayName } from '../../lib/weekdays';

/** What limits an attendance beyond its days and hours (week parity, validity), in words; '' for none. */
function useLimits(): (a: CalendarAttendance) => string {
  const { t } = useTranslation();
  return (a) =>
    [
      a.weekParity !== undefined
        ? t('sched.calendars.everyOtherWeek', { parity: t(`sched.calendars.parity.${a.weekParity}`) })
        : '',
      a.validFrom ? t('sched.calendars.validFrom', { date: a.validFrom }) : '',
      a.validTo ? t('sched.calendars.validTo', { date: a.validTo }) : '',
    ]
      .filter(Boolean)
      .join(', ');
}

/**
 * A calendar's working week (`calendar-week`): one row per weekday (`week-day` with `data-day` 1–7) with its
 * working hours drawn on a 24-hour track and written out ("09:00–12:00, 13:00–17:00"), or "closed".
 */
export function CalendarWeek({ attendances }: { attendances: CalendarAttendance[] }) {
  const { t } = useTranslation();
  const limits = useLimits();
  return (
    <div className="week-grid" data-testid="calendar-week">
      {ISO_WEEKDAYS.map((day) => {
        const hours = attendances
          .filter((a) => a.days.includes(day))
          .sort((a, b) => minutesOf(a.from) - minutesOf(b.from));
        const text = hours
          .map((a) => {
            const extra = limits(a);
            return `${a.from}–${a.to}${extra ? ` (${extra})` : ''}`;
          })
          .join(', ');
        return (
          <div key={day} className="week-row" style={{ display: 'contents' }}>
            <span className="week-day">{weekdayName(day, 'short')}</span>
            <div data-testid="week-day" data-day={day} data-hours={hours.map((a) => `${a.from}-${a.to}`).join(',')}>
              <div className="week-track" aria-hidden="true">
                {hours.map((a, i) => {
                  const from = minutesOf(a.from);
                  const to = Math.max(from, minutesOf(a.to));
                  return (
                    <span
                      key={i}
                      className="week-interval"
                      style={{ left: `${(from / 1440) * 100}%`, width: `${((to - from) / 1440) * 100}%` }}
                    />
                  );
                })}
              </div>
              <span className="sr-only">{weekdayName(day)}: </span>
              <span className="muted">{text || t('sched.calendars.closed')}</span>
            </div>
          </div>
        );
      })}
    </div>
  );
}
