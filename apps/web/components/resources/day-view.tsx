'use client';
import { useTranslation } from 'react-i18next';
import { dayWindow } from '../../lib/day';
import { formatDateTime, formatTime } from '../../lib/format';
import { routes } from '../../lib/routes';
import type { BookingView, ResourceView } from '../../lib/types/scheduler';
import { isLive } from '../../lib/use-bookings';
import { AppLink } from '../app-link';
import { resourceName } from '../../lib/resource-name';

type Props = {
  /** Local day `YYYY-MM-DD`. */
  date: string;
  resources: ResourceView[];
  bookings: Map<string, BookingView[]>;
  /** Cancel a live booking (admins); no buttons without it. */
  onCancel?(resource: ResourceView, booking: BookingView): void;
};

const HOURS = [0, 6, 12, 18, 24];

/** `HH:mm` of an instant, or its date and time when it is not on `date`'s day. */
function clock(iso: string, from: number, to: number): string {
  const at = Date.parse(iso);
  return at >= from && at <= to ? formatTime(iso).replace(/:\d\d$/, '') : formatDateTime(iso);
}

/**
 * One day of bookings (`day-view`): per resource a track per slot with its bookings placed by time (drawn,
 * for the eye), and the same bookings listed below in words (`booking`, with Cancel for admins).
 */
export function DayView({ date, resources, bookings, onCancel }: Props) {
  const { t } = useTranslation();
  const { from, to } = dayWindow(date);
  const span = to - from;
  const pct = (ms: number) => `${(Math.min(Math.max(ms - from, 0), span) / span) * 100}%`;
  return (
    <div data-testid="day-view" data-date={date}>
      {resources.map((r) => {
        const list = [...(bookings.get(r.key) ?? [])].sort((a, b) => a.from.localeCompare(b.from) || a.slot - b.slot);
        return (
          <section key={r.key} className="day-resource" data-testid="day-resource" data-key={r.key}>
            <h3>
              {resourceName(r)} <span className="muted">{r.type}</span>
            </h3>
            <div className="day-hours" aria-hidden="true">
              {HOURS.map((h) => (
                <span key={h} style={{ left: `${(h / 24) * 100}%` }}>
                  {String(h).padStart(2, '0')}
                </span>
              ))}
            </div>
            {Array.from({ length: r.capacity }, (_, slot) => (
              <div key={slot} className="slot-row" data-testid="slot-row" data-slot={slot}>
                <span className="slot-label">{t('sched.day.slot', { n: slot + 1 })}</span>
                <div className="slot-track" aria-hidden="true">
                  {list
                    .filter((b) => b.slot === slot && b.status !== 'cancelled')
                    .map((b) => {
                      const start = Date.parse(b.from);
                      const end = Date.parse(b.to);
                      return (
                        <span
                          key={b.id}
                          className={`booking-block${b.pid === null ? ' booking-external' : ''}${isLive(b) ? '' : ' booking-done'}`}
                          style={{ left: pct(start), width: `calc(${pct(end)} - ${pct(start)})` }}
                          title={`${clock(b.from, from, to)}–${clock(b.to, from, to)} ${b.note ?? ''}`}
                          data-testid="booking-block"
                          data-id={b.id}
                        >
                          {b.pid === null ? (b.note ?? t('sched.day.external')) : `#${b.pid}`}
                        </span>
                      );
                    })}
                </div>
              </div>
            ))}
            {list.length === 0 ? (
              <p className="empty">{t('sched.day.none')}</p>
            ) : (
              <ul className="booking-list">
                {list.map((b) => {
                  const range = { key: resourceName(r), from: clock(b.from, from, to), to: clock(b.to, from, to) };
                  return (
                    <li
                      key={b.id}
                      data-testid="booking"
                      data-id={b.id}
                      data-slot={b.slot}
                      data-status={b.status}
                      data-pid={b.pid ?? ''}
                    >
                      <span className="nowrap">
                        {range.from}–{range.to}
                      </span>
                      <span className="muted">{t('sched.day.slot', { n: b.slot + 1 })}</span>
                      {b.pid === null ? (
                        <span>{b.note ?? t('sched.day.external')}</span>
                      ) : (
                        <AppLink href={routes.process(b.pid)}>{t('sched.day.forTask', { pid: b.pid })}</AppLink>
                      )}
                      <span className="badge badge-soft">{t(`sched.day.status.${b.status}`)}</span>
                      {onCancel && isLive(b) && (
                        <button
                          type="button"
                          className="btn btn-small"
                          data-testid="booking-cancel"
                          aria-label={t('sched.day.cancelOf', range)}
                          onClick={() => onCancel(r, b)}
                        >
                          {t('sched.day.cancel')}
                        </button>
                      )}
                    </li>
                  );
                })}
              </ul>
            )}
          </section>
        );
      })}
    </div>
  );
}
