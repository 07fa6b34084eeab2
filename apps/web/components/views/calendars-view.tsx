'use client';
import { useEffect, useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../lib/format';
import { resourceName } from '../../lib/resource-name';
import type { StaffView } from '../../lib/types/auth';
import type { CalendarView, ResourceView } from '../../lib/types/scheduler';
import { useResource } from '../../lib/use-resource';
import { AdminOnly } from '../admin/admin-only';
import { CalendarForm } from '../calendars/calendar-form';
import { CalendarWeek } from '../calendars/calendar-week';
import { LeaveForm } from '../calendars/leave-form';
import { LoadError } from '../load-error';
import { Notice, notice, type NoticeMessage } from '../notice';
import { PageTitle } from '../page-title';

/** `/admin/calendars/` (admins): the calendars, one's week, holidays and leaves; edit it, add a leave, add one. */
export function CalendarsView() {
  const { t } = useTranslation();
  return (
    <AdminOnly title={t('sched.calendars.title')}>
      <Calendars />
    </AdminOnly>
  );
}

const calendarName = (c: Pick<CalendarView, 'key' | 'label'>) => c.label ?? c.key;

function Calendars() {
  const { t } = useTranslation();
  const id = useId();
  const calendars = useResource<CalendarView[]>('/v1/calendars');
  const operators = useResource<StaffView[]>('/v1/operators');
  const resources = useResource<ResourceView[]>('/v1/resources');
  const [selected, setSelected] = useState<string | null>(null);
  const [editing, setEditing] = useState<'edit' | 'new' | null>(null);
  const [message, setMessage] = useState<NoticeMessage | null>(null);
  const list = useMemo(
    () => [...(calendars.data ?? [])].sort((a, b) => calendarName(a).localeCompare(calendarName(b))),
    [calendars.data],
  );
  useEffect(() => {
    if (selected === null && list.length > 0) setSelected(list[0]!.key);
  }, [list, selected]);
  const current = list.find((c) => c.key === selected) ?? null;
  const nameOf = (kind: 'operator' | 'resource', key: string): string =>
    kind === 'operator'
      ? (operators.data?.find((o) => o.key === key)?.label ?? key)
      : resourceName(resources.data?.find((r) => r.key === key) ?? { key, label: null });
  const saved = (c: CalendarView) => {
    calendars.set((cs) => [...(cs ?? []).filter((x) => x.key !== c.key), c]);
    setSelected(c.key);
    setEditing(null);
    setMessage(notice('success', t('sched.calendars.saved', { name: calendarName(c) })));
  };

  return (
    <article data-testid="calendars-page">
      <PageTitle title={t('sched.calendars.title')}>
        <button type="button" className="btn" data-testid="calendar-new" onClick={() => setEditing('new')}>
          {t('sched.calendars.newCalendar')}
        </button>
      </PageTitle>
      <p className="muted">{t('sched.calendars.hint')}</p>
      <Notice message={message} onClose={() => setMessage(null)} />
      <LoadError error={calendars.error} onRetry={() => void calendars.reload()} />
      <div className="calendars-layout">
        <section className="card" aria-labelledby={`${id}-list`}>
          <h2 id={`${id}-list`} className="card-title">
            {t('sched.calendars.list')}
          </h2>
          {calendars.data && list.length === 0 && <p className="empty">{t('sched.calendars.empty')}</p>}
          <ul className="booking-list" data-testid="calendar-list">
            {list.map((c) => (
              <li key={c.key} data-testid="calendar-item" data-key={c.key}>
                <button
                  type="button"
                  className={`btn btn-ghost${c.key === selected ? ' is-current' : ''}`}
                  aria-pressed={c.key === selected}
                  onClick={() => {
                    setSelected(c.key);
                    setEditing(null);
                  }}
                >
                  {calendarName(c)}
                </button>
                <span className="muted">
                  {c.timeZone} ·{' '}
                  {t('sched.calendars.usedByCounts', {
                    operators: c.usedBy.operators.length,
                    resources: c.usedBy.resources.length,
                    slas: c.usedBy.slas.length,
                  })}
                </span>
              </li>
            ))}
          </ul>
        </section>
        <div>
          {editing === 'new' && (
            <section className="card" aria-labelledby={`${id}-new`}>
              <h2 id={`${id}-new`} className="card-title">
                {t('sched.calendars.newCalendar')}
              </h2>
              <CalendarForm calendar={null} onSaved={saved} onCancel={() => setEditing(null)} />
            </section>
          )}
          {editing !== 'new' && !current && calendars.data && list.length > 0 && (
            <p className="empty">{t('sched.calendars.choose')}</p>
          )}
          {editing !== 'new' && current && (
            <CalendarDetail
              key={current.key}
              calendar={current}
              editing={editing === 'edit'}
              onEdit={() => setEditing('edit')}
              onSaved={saved}
              onCancel={() => setEditing(null)}
              nameOf={nameOf}
              onLeave={() => {
                setMessage(notice('success', t('sched.calendars.leaveAdded', { name: calendarName(current) })));
                void calendars.reload();
              }}
            />
          )}
        </div>
      </div>
    </article>
  );
}

type DetailProps = {
  calendar: CalendarView;
  editing: boolean;
  onEdit(): void;
  onSaved(c: CalendarView): void;
  onCancel(): void;
  nameOf(kind: 'operator' | 'resource', key: string): string;
  onLeave(): void;
};

/** One calendar: its week, holidays, leaves and who uses it; Edit swaps the week for the form. */
function CalendarDetail({ calendar: c, editing, onEdit, onSaved, onCancel, nameOf, onLeave }: DetailProps) {
  const { t } = useTranslation();
  const id = useId();
  const leaves = [...c.leaves].sort((a, b) => a.from.localeCompare(b.from));
  return (
    <section className="card" aria-labelledby={`${id}-title`} data-testid="calendar-detail" data-key={c.key}>
      <div className="resource-item-head">
        <h2 id={`${id}-title`} className="card-title">
          {editing ? t('sched.calendars.editTitle', { name: calendarName(c) }) : calendarName(c)}
        </h2>
        {!editing && (
          <button type="button" className="btn btn-small" data-testid="calendar-edit" onClick={onEdit}>
            {t('sched.calendars.edit')}
          </button>
        )}
      </div>
      {editing ? (
        <CalendarForm calendar={c} onSaved={onSaved} onCancel={onCancel} />
      ) : (
        <>
          <p className="muted" data-testid="calendar-tz-shown">
            {t('sched.calendars.timeZone')}: {c.timeZone}
          </p>
          <h3 className="section-title">{t('sched.calendars.week')}</h3>
          <CalendarWeek attendances={c.attendances} />
          <h3 className="section-title">{t('sched.calendars.holidays')}</h3>
          {c.holidays.length === 0 ? (
            <p className="empty">{t('sched.calendars.noHolidays')}</p>
          ) : (
            <ul className="chip-list" data-testid="calendar-holidays-list">
              {[...c.holidays].sort().map((h) => (
                <li key={h} data-testid="calendar-holiday">
                  {h}
                </li>
              ))}
            </ul>
          )}
          <h3 className="section-title">{t('sched.calendars.leaves')}</h3>
          {leaves.length === 0 ? (
            <p className="empty">{t('sched.calendars.noLeaves')}</p>
          ) : (
            <ul className="booking-list" data-testid="calendar-leaves">
              {leaves.map((l) => (
                <li key={l.id} data-testid="calendar-leave" data-id={l.id}>
                  <span className="nowrap">
                    {formatDateTime(l.from)} – {formatDateTime(l.to)}
                  </span>
                  <span>
                    {l.operator
                      ? nameOf('operator', l.operator)
                      : l.resource
                        ? nameOf('resource', l.resource)
                        : t('sched.calendars.whole')}
                  </span>
                  {l.reason && <span className="muted">{l.reason}</span>}
                  {l.source === 'design' && <span className="badge badge-soft">{t('sched.calendars.fromDesign')}</span>}
                </li>
              ))}
            </ul>
          )}
          <h3 className="section-title">{t('sched.calendars.usedBy')}</h3>
          <p className="muted">
            {[
              ...c.usedBy.operators.map((k) => nameOf('operator', k)),
              ...c.usedBy.resources.map((k) => nameOf('resource', k)),
              ...c.usedBy.slas,
            ].join(', ') || '—'}
          </p>
          <h3 className="section-title">{t('sched.calendars.addLeave')}</h3>
          <LeaveForm calendar={c} nameOf={nameOf} onAdded={onLeave} />
        </>
      )}
    </section>
  );
}
