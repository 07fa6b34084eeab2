'use client';
import { useId, useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiProblem, errorMessage, seg } from '../../lib/api';
import type { CalendarAttendance, CalendarBody, CalendarView } from '../../lib/types/scheduler';
import { ISO_WEEKDAYS, weekdayName } from '../../lib/weekdays';

type Props = {
  /** The calendar to edit; null creates one (with a key field). */
  calendar: CalendarView | null;
  onSaved(calendar: CalendarView): void;
  onCancel(): void;
};

const timeZones = (): string[] => {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return [];
  }
};

/**
 * Creates or replaces a calendar (`PUT /calendars/{key}`, admins): name, time zone, working hours (days and
 * from–to; week parity and validity dates are kept as they were) and holidays, one date a line. A 4xx shows its
 * fields (`calendar-error`).
 */
export function CalendarForm({ calendar, onSaved, onCancel }: Props) {
  const { t } = useTranslation();
  const id = useId();
  const zones = useMemo(timeZones, []);
  const [key, setKey] = useState(calendar?.key ?? '');
  const [label, setLabel] = useState(calendar?.label ?? '');
  const [timeZone, setTimeZone] = useState(
    calendar?.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC',
  );
  const [rows, setRows] = useState<CalendarAttendance[]>(
    calendar?.attendances.map((a) => ({ ...a })) ?? [{ days: [1, 2, 3, 4, 5], from: '09:00', to: '17:00' }],
  );
  const [holidays, setHolidays] = useState((calendar?.holidays ?? []).join('\n'));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const update = (i: number, patch: Partial<CalendarAttendance>) =>
    setRows((rs) => rs.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const toggleDay = (i: number, day: number) =>
    setRows((rs) =>
      rs.map((r, j) =>
        j === i ? { ...r, days: r.days.includes(day) ? r.days.filter((d) => d !== day) : [...r.days, day].sort() } : r,
      ),
    );

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    if (!key.trim() || !timeZone.trim()) return setError(t('sched.calendars.required'));
    const body: CalendarBody = {
      ...(label.trim() ? { label: label.trim() } : {}),
      timeZone: timeZone.trim(),
      attendances: rows,
      holidays: holidays
        .split(/[\s,]+/)
        .map((h) => h.trim())
        .filter(Boolean),
    };
    setBusy(true);
    setError(null);
    api
      .put<CalendarView>(`/v1/calendars/${seg(key.trim())}`, body)
      .then(onSaved, (err: unknown) => {
        const fields =
          err instanceof ApiProblem && err.fieldErrors.length > 0
            ? err.fieldErrors.map((f) => `${f.field}: ${f.message}`).join('; ')
            : errorMessage(err);
        setError(t('sched.calendars.failed', { message: fields }));
      })
      .finally(() => setBusy(false));
  };

  return (
    <form className="calendar-form" data-testid="calendar-form" onSubmit={submit} noValidate>
      {!calendar && (
        <div className="field">
          <label htmlFor={`${id}-key`}>{t('sched.calendars.key')}</label>
          <input
            id={`${id}-key`}
            data-testid="calendar-key"
            value={key}
            maxLength={120}
            onChange={(e) => setKey(e.target.value)}
          />
          <p className="field-hint">{t('sched.calendars.keyHint')}</p>
        </div>
      )}
      <div className="field">
        <label htmlFor={`${id}-label`}>{t('sched.calendars.label')}</label>
        <input
          id={`${id}-label`}
          data-testid="calendar-label"
          value={label}
          maxLength={200}
          onChange={(e) => setLabel(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-tz`}>{t('sched.calendars.timeZone')}</label>
        <input
          id={`${id}-tz`}
          data-testid="calendar-tz"
          list={`${id}-zones`}
          value={timeZone}
          onChange={(e) => setTimeZone(e.target.value)}
        />
        <datalist id={`${id}-zones`}>
          {zones.map((z) => (
            <option key={z} value={z} />
          ))}
        </datalist>
      </div>
      <fieldset className="checkbox-list">
        <legend>{t('sched.calendars.attendances')}</legend>
        {rows.map((r, i) => (
          <div key={i} className="attendance-row" data-testid="attendance-row">
            <div className="chip-list" role="group" aria-label={t('sched.calendars.days')}>
              {ISO_WEEKDAYS.map((day) => (
                <label key={day} className="checkbox">
                  <input
                    type="checkbox"
                    data-testid={`attendance-day-${day}`}
                    checked={r.days.includes(day)}
                    onChange={() => toggleDay(i, day)}
                  />
                  {weekdayName(day, 'short')}
                </label>
              ))}
            </div>
            <div className="book-form">
              <div className="field">
                <label htmlFor={`${id}-from-${i}`}>{t('sched.calendars.from')}</label>
                <input
                  id={`${id}-from-${i}`}
                  data-testid="attendance-from"
                  type="time"
                  value={r.from}
                  onChange={(e) => update(i, { from: e.target.value })}
                />
              </div>
              <div className="field">
                <label htmlFor={`${id}-to-${i}`}>{t('sched.calendars.to')}</label>
                <input
                  id={`${id}-to-${i}`}
                  data-testid="attendance-to"
                  value={r.to}
                  placeholder="17:00"
                  pattern="\d\d:\d\d"
                  inputMode="numeric"
                  onChange={(e) => update(i, { to: e.target.value })}
                />
              </div>
              <div className="field">
                <button
                  type="button"
                  className="btn btn-small"
                  aria-label={t('sched.calendars.removeIntervalOf', { n: i + 1 })}
                  disabled={rows.length === 1}
                  onClick={() => setRows((rs) => rs.filter((_, j) => j !== i))}
                >
                  {t('sched.calendars.removeInterval')}
                </button>
              </div>
            </div>
          </div>
        ))}
        <div>
          <button
            type="button"
            className="btn btn-small"
            data-testid="attendance-add"
            onClick={() => setRows((rs) => [...rs, { days: [1, 2, 3, 4, 5], from: '09:00', to: '17:00' }])}
          >
            {t('sched.calendars.addInterval')}
          </button>
        </div>
      </fieldset>
      <div className="field">
        <label htmlFor={`${id}-hol`}>{t('sched.calendars.holidays')}</label>
        <textarea
          id={`${id}-hol`}
          data-testid="calendar-holidays"
          rows={3}
          value={holidays}
          aria-describedby={`${id}-hol-hint`}
          onChange={(e) => setHolidays(e.target.value)}
        />
        <p id={`${id}-hol-hint`} className="field-hint">
          {t('sched.calendars.holidaysHint')}
        </p>
      </div>
      {error && (
        <p className="form-error" role="alert" data-testid="calendar-error">
          {error}
        </p>
      )}
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={onCancel}>
          {t('common.cancel')}
        </button>
        <button type="submit" className="btn btn-primary" data-testid="calendar-save" disabled={busy}>
          {busy ? t('sched.calendars.saving') : t('sched.calendars.save')}
        </button>
      </div>
    </form>
  );
}
