'use client';
import { useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorMessage, seg } from '../../lib/api';
import { addDays, dayWindow, isoDate } from '../../lib/day';
import { formatTime } from '../../lib/format';
import type { BookingView, ResourceView } from '../../lib/types/scheduler';
import { useDayBookings } from '../../lib/use-bookings';
import { useChangeReload } from '../../lib/use-change-reload';
import { useResource } from '../../lib/use-resource';
import { useMe } from '../../lib/viewer';
import { LoadError } from '../load-error';
import { ModalDialog } from '../modal-dialog';
import { Notice, notice, type NoticeMessage } from '../notice';
import { PageTitle } from '../page-title';
import { BookForm } from '../resources/book-form';
import { DayView } from '../resources/day-view';
import { ResourceList } from '../resources/resource-list';
import { ReasonDialog } from '../task/reason-dialog';
import { resourceName } from '../../lib/resource-name';

type StateChange = { resource: ResourceView; state: 'available' | 'blocked' };
type Cancel = { resource: ResourceView; booking: BookingView };

const hhmm = (iso: string) => formatTime(iso).replace(/:\d\d$/, '');

/**
 * `/resources/` (staff): rooms and machines with what is in use, and a day of bookings per slot. Admins also
 * block / unblock a resource (with a reason), book one from outside and cancel a booking. Reloads after live
 * task changes (tasks book and release slots).
 */
export function ResourcesView() {
  const { t } = useTranslation();
  const id = useId();
  const me = useMe();
  const admin = me.operator.admin;
  const resources = useResource<ResourceView[]>('/v1/resources');
  const [type, setType] = useState('');
  const [date, setDate] = useState(() => isoDate(new Date()));
  const shown = useMemo(() => (resources.data ?? []).filter((r) => !type || r.type === type), [resources.data, type]);
  const types = useMemo(() => [...new Set((resources.data ?? []).map((r) => r.type))].sort(), [resources.data]);
  const bookings = useDayBookings(
    shown.map((r) => r.key),
    date,
  );
  useChangeReload(() => Promise.all([resources.reload(), bookings.reload()]));
  const [message, setMessage] = useState<NoticeMessage | null>(null);
  const [stateChange, setStateChange] = useState<StateChange | null>(null);
  const [cancel, setCancel] = useState<Cancel | null>(null);
  const [busy, setBusy] = useState(false);

  const applyState = (reason: string) => {
    if (!stateChange) return;
    const { resource, state } = stateChange;
    setBusy(true);
    api
      .put<ResourceView>(`/v1/resources/${seg(resource.key)}/state`, { state, reason })
      .then(
        (updated) => {
          resources.set((list) => list?.map((r) => (r.key === updated.key ? updated : r)) ?? null);
          setMessage(
            notice(
              'success',
              t(state === 'blocked' ? 'sched.resources.blocked' : 'sched.resources.unblocked', {
                key: resourceName(resource),
              }),
            ),
          );
        },
        (e: unknown) => setMessage(notice('error', t('sched.resources.failed', { message: errorMessage(e) }))),
      )
      .finally(() => {
        setBusy(false);
        setStateChange(null);
      });
  };

  const applyCancel = () => {
    if (!cancel) return;
    const { resource, booking } = cancel;
    const range = { key: resourceName(resource), from: hhmm(booking.from), to: hhmm(booking.to) };
    setBusy(true);
    api
      .delete(`/v1/bookings/${seg(booking.id)}`)
      .then(
        () => {
          setMessage(notice('success', t('sched.day.cancelled', range)));
          return Promise.all([resources.reload(), bookings.reload()]);
        },
        (e: unknown) => setMessage(notice('error', t('sched.resources.failed', { message: errorMessage(e) }))),
      )
      .finally(() => {
        setBusy(false);
        setCancel(null);
      });
  };

  const { from: dayFrom } = dayWindow(date);
  return (
    <article data-testid="resources-page">
      <PageTitle title={t('sched.resources.title')} />
      <p className="muted">{t('sched.resources.hint')}</p>
      <Notice message={message} onClose={() => setMessage(null)} />
      <LoadError error={resources.error ?? bookings.error} onRetry={() => void resources.reload()} />
      {resources.data && resources.data.length === 0 && <p className="empty">{t('sched.resources.empty')}</p>}
      {resources.data && resources.data.length > 0 && (
        <>
          <section className="card" aria-labelledby={`${id}-list`}>
            <div className="resource-item-head">
              <h2 id={`${id}-list`} className="card-title">
                {t('sched.resources.title')}
              </h2>
              {types.length > 1 && (
                <div className="field">
                  <label htmlFor={`${id}-type`}>{t('sched.resources.type')}</label>
                  <select
                    id={`${id}-type`}
                    data-testid="resource-type"
                    value={type}
                    onChange={(e) => setType(e.target.value)}
                  >
                    <option value="">{t('sched.resources.allTypes')}</option>
                    {types.map((ty) => (
                      <option key={ty} value={ty}>
                        {ty}
                      </option>
                    ))}
                  </select>
                </div>
              )}
            </div>
            <ResourceList
              resources={shown}
              onState={admin ? (resource, state) => setStateChange({ resource, state }) : undefined}
            />
          </section>
          <section className="card" aria-labelledby={`${id}-day`}>
            <h2 id={`${id}-day`} className="card-title">
              {t('sched.day.title')}
            </h2>
            <div className="day-nav">
              <button
                type="button"
                className="btn btn-small"
                data-testid="day-prev"
                onClick={() => setDate((d) => addDays(d, -1))}
              >
                {t('sched.day.prev')}
              </button>
              <div className="field">
                <label htmlFor={`${id}-date`}>{t('sched.day.date')}</label>
                <input
                  id={`${id}-date`}
                  type="date"
                  data-testid="day-date"
                  value={date}
                  onChange={(e) => e.target.value && setDate(e.target.value)}
                />
              </div>
              <button
                type="button"
                className="btn btn-small"
                data-testid="day-next"
                onClick={() => setDate((d) => addDays(d, 1))}
              >
                {t('sched.day.next')}
              </button>
            </div>
            <DayView
              date={date}
              resources={shown}
              bookings={bookings.byResource}
              onCancel={admin ? (resource, booking) => setCancel({ resource, booking }) : undefined}
            />
          </section>
          {admin && (
            <section className="card" aria-labelledby={`${id}-book`}>
              <h2 id={`${id}-book`} className="card-title">
                {t('sched.book.title')}
              </h2>
              <p className="muted">{t('sched.book.hint')}</p>
              <BookForm
                key={dayFrom}
                resources={shown}
                date={date}
                onBooked={(resource, booking) => {
                  setMessage(
                    notice(
                      'success',
                      t('sched.book.done', {
                        key: resourceName(resource),
                        from: hhmm(booking.from),
                        to: hhmm(booking.to),
                        slot: booking.slot + 1,
                      }),
                    ),
                  );
                  setDate(isoDate(new Date(booking.from)));
                  void Promise.all([resources.reload(), bookings.reload()]);
                }}
              />
            </section>
          )}
        </>
      )}
      {stateChange && (
        <ReasonDialog
          title={t(stateChange.state === 'blocked' ? 'sched.resources.blockTitle' : 'sched.resources.unblockTitle', {
            key: resourceName(stateChange.resource),
          })}
          confirmLabel={t(stateChange.state === 'blocked' ? 'sched.resources.block' : 'sched.resources.unblock')}
          warning={stateChange.state === 'blocked' ? t('sched.resources.blockWarning') : undefined}
          danger={stateChange.state === 'blocked'}
          busy={busy}
          onConfirm={applyState}
          onClose={() => setStateChange(null)}
        />
      )}
      {cancel && (
        <ModalDialog
          title={t('sched.day.cancelTitle', {
            key: resourceName(cancel.resource),
            from: hhmm(cancel.booking.from),
            to: hhmm(cancel.booking.to),
          })}
          confirmLabel={t('sched.day.cancelConfirm')}
          danger
          busy={busy}
          onConfirm={applyCancel}
          onClose={() => setCancel(null)}
        >
          <p>{t('sched.day.cancelWarning')}</p>
        </ModalDialog>
      )}
    </article>
  );
}
