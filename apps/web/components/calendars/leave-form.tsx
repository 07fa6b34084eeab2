'use client';
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiProblem, errorMessage, seg } from '../../lib/api';
import type { CalendarLeaveBody, CalendarLeaveView, CalendarView } from '../../lib/types/scheduler';

type Props = {
  calendar: CalendarView;
  /** Display names of operators and resources by key. */
  nameOf(kind: 'operator' | 'resource', key: string): string;
  onAdded(leave: CalendarLeaveView): void;
};

/**
 * Adds a leave to a calendar (`POST /calendars/{key}/leaves`, admins): for everyone on it, or one operator or
 * resource that uses it; from–to in local time and a reason.
 */
export function LeaveForm({ calendar, nameOf, onAdded }: Props) {
  const { t } = useTranslation();
  const id = useId();
  const [who, setWho] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    if (!from || !to) return setError(t('sched.calendars.required'));
    const start = new Date(from).getTime();
    const end = new Date(to).getTime();
    if (!(end > start)) return setError(t('sched.calendars.toBeforeFrom'));
    const [kind, key] = who ? (who.split(':', 2) as ['operator' | 'resource', string]) : [null, null];
    const body: CalendarLeaveBody = {
      from: new Date(start).toISOString(),
      to: new Date(end).toISOString(),
      ...(kind === 'operator' ? { operator: key! } : kind === 'resource' ? { resource: key! } : {}),
      ...(reason.trim() ? { reason: reason.trim() } : {}),
    };
    setBusy(true);
    setError(null);
    api
      .post<CalendarLeaveView>(`/v1/calendars/${seg(calendar.key)}/leaves`, body)
      .then(
        (leave) => {
          setFrom('');
          setTo('');
          setReason('');
          onAdded(leave);
        },
        (err: unknown) =>
          setError(
            t('sched.calendars.failed', {
              message:
                err instanceof ApiProblem && err.fieldErrors.length > 0
                  ? err.fieldErrors.map((f) => `${f.field}: ${f.message}`).join('; ')
                  : errorMessage(err),
            }),
          ),
      )
      .finally(() => setBusy(false));
  };

  return (
    <form className="book-form" data-testid="leave-form" onSubmit={submit} noValidate>
      <div className="field grow">
        <label htmlFor={`${id}-who`}>{t('sched.calendars.leaveWho')}</label>
        <select id={`${id}-who`} data-testid="leave-who" value={who} onChange={(e) => setWho(e.target.value)}>
          <option value="">{t('sched.calendars.whole')}</option>
          {calendar.usedBy.operators.map((k) => (
            <option key={`o-${k}`} value={`operator:${k}`}>
              {nameOf('operator', k)}
            </option>
          ))}
          {calendar.usedBy.resources.map((k) => (
            <option key={`r-${k}`} value={`resource:${k}`}>
              {nameOf('resource', k)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-from`}>{t('sched.calendars.leaveFrom')}</label>
        <input
          id={`${id}-from`}
          type="datetime-local"
          data-testid="leave-from"
          value={from}
          onChange={(e) => setFrom(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-to`}>{t('sched.calendars.leaveTo')}</label>
        <input
          id={`${id}-to`}
          type="datetime-local"
          data-testid="leave-to"
          value={to}
          onChange={(e) => setTo(e.target.value)}
        />
      </div>
      <div className="field grow">
        <label htmlFor={`${id}-reason`}>{t('sched.calendars.leaveReason')}</label>
        <input
          id={`${id}-reason`}
          data-testid="leave-reason"
          maxLength={500}
          placeholder={t('sched.calendars.leaveReasonPlaceholder')}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
        />
      </div>
      <div className="field">
        <button type="submit" className="btn btn-primary" data-testid="leave-submit" disabled={busy}>
          {t('sched.calendars.leaveSubmit')}
        </button>
      </div>
      {error && (
        <p className="form-error" role="alert" data-testid="leave-error">
          {error}
        </p>
      )}
    </form>
  );
}
