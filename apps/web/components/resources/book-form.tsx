'use client';
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiProblem, errorMessage, seg } from '../../lib/api';
import { atTime } from '../../lib/day';
import type { BookingView, ResourceView } from '../../lib/types/scheduler';
import { resourceName } from '../../lib/resource-name';

type Props = {
  resources: ResourceView[];
  /** The day shown (the form books on it unless changed). */
  date: string;
  onBooked(resource: ResourceView, booking: BookingView): void;
};

/**
 * Books a slot of a room or machine from outside (admins; `POST /resources/{key}/bookings`): resource, day,
 * from–to (local time), slot (default the first free) and a note. A 409 BOOKING_CONFLICT says plainly that
 * the time is taken (`booking-error` with `data-code`); a 422 names the field.
 */
export function BookForm({ resources, date, onBooked }: Props) {
  const { t } = useTranslation();
  const id = useId();
  const [key, setKey] = useState(resources[0]?.key ?? '');
  const [day, setDay] = useState(date);
  const [from, setFrom] = useState('09:00');
  const [to, setTo] = useState('10:00');
  const [slot, setSlot] = useState('');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ code: string; text: string } | null>(null);
  const resource = resources.find((r) => r.key === key) ?? resources[0];

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!resource || busy) return;
    if (!day || !from || !to) return setError({ code: 'REQUIRED', text: t('sched.book.required') });
    const start = atTime(day, from);
    const end = atTime(day, to);
    if (!(end > start)) return setError({ code: 'TO_BEFORE_FROM', text: t('sched.book.toBeforeFrom') });
    setBusy(true);
    setError(null);
    const body = {
      from: new Date(start).toISOString(),
      to: new Date(end).toISOString(),
      ...(slot === '' ? {} : { slot: Number(slot) }),
      ...(note.trim() ? { note: note.trim() } : {}),
    };
    api
      .post<BookingView>(`/v1/resources/${seg(resource.key)}/bookings`, body)
      .then((booking) => onBooked(resource, booking))
      .catch((err: unknown) => {
        const code = err instanceof ApiProblem ? String(err.problem.code ?? err.status) : 'ERROR';
        const text =
          err instanceof ApiProblem && err.problem.code === 'BOOKING_CONFLICT'
            ? t('sched.book.conflict', { key: resourceName(resource), from, to })
            : err instanceof ApiProblem && err.fieldErrors.length > 0
              ? t('sched.book.failed', {
                  message: err.fieldErrors.map((f) => `${f.field}: ${f.message}`).join('; '),
                })
              : t('sched.book.failed', { message: errorMessage(err) });
        setError({ code, text });
      })
      .finally(() => setBusy(false));
  };

  return (
    <form className="book-form" data-testid="book-form" onSubmit={submit} noValidate>
      <div className="field">
        <label htmlFor={`${id}-res`}>{t('sched.book.resource')}</label>
        <select
          id={`${id}-res`}
          data-testid="book-resource"
          value={resource?.key ?? ''}
          onChange={(e) => {
            setKey(e.target.value);
            setSlot('');
          }}
        >
          {resources.map((r) => (
            <option key={r.key} value={r.key}>
              {resourceName(r)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-day`}>{t('sched.book.date')}</label>
        <input
          id={`${id}-day`}
          type="date"
          data-testid="book-date"
          value={day}
          onChange={(e) => setDay(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-from`}>{t('sched.book.from')}</label>
        <input
          id={`${id}-from`}
          type="time"
          data-testid="book-from"
          value={from}
          onChange={(e) => setFrom(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-to`}>{t('sched.book.to')}</label>
        <input id={`${id}-to`} type="time" data-testid="book-to" value={to} onChange={(e) => setTo(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-slot`}>{t('sched.book.slot')}</label>
        <select id={`${id}-slot`} data-testid="book-slot" value={slot} onChange={(e) => setSlot(e.target.value)}>
          <option value="">{t('sched.book.anySlot')}</option>
          {Array.from({ length: resource?.capacity ?? 0 }, (_, n) => (
            <option key={n} value={n}>
              {t('sched.day.slot', { n: n + 1 })}
            </option>
          ))}
        </select>
      </div>
      <div className="field grow">
        <label htmlFor={`${id}-note`}>{t('sched.book.note')}</label>
        <input
          id={`${id}-note`}
          data-testid="book-note"
          maxLength={500}
          placeholder={t('sched.book.notePlaceholder')}
          value={note}
          onChange={(e) => setNote(e.target.value)}
        />
      </div>
      <div className="field">
        <button type="submit" className="btn btn-primary" data-testid="book-submit" disabled={busy || !resource}>
          {busy ? t('sched.book.busy') : t('sched.book.submit')}
        </button>
      </div>
      {error && (
        <p className="form-error field-error" role="alert" data-testid="booking-error" data-code={error.code}>
          {error.text}
        </p>
      )}
    </form>
  );
}
