'use client';
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../lib/api';
import { formatDateTime } from '../../lib/format';
import { handOff, refusalOf, requestNextTask, type NextTaskRefusal } from '../../lib/next-task';
import { routes } from '../../lib/routes';
import type { Availability } from '../../lib/types/scheduler';
import { useMyAvailability } from '../../lib/use-availability';
import { useMe } from '../../lib/viewer';
import { Notice, notice, type NoticeMessage } from '../notice';

type Props = {
  /** How many tasks My tasks shows: when it changes, my load is read again. */
  mineCount: number;
};

/**
 * My tasks' work bar for staff and administrators: **Next task** (get next: the best waiting task of my lanes
 * becomes mine and its page opens), my presence (Available / Away) and, when I have a capacity, my load.
 * Customers see nothing (they take no work).
 */
export function NextTaskBar({ mineCount }: Props) {
  const me = useMe();
  if (!me.operator.staff && !me.operator.admin) return null;
  return <WorkBar mineCount={mineCount} />;
}

function WorkBar({ mineCount }: Props) {
  const { t } = useTranslation();
  const router = useRouter();
  const availability = useMyAvailability(true);
  const { reload } = availability;
  const [busy, setBusy] = useState<'next' | 'presence' | null>(null);
  const [message, setMessage] = useState<NoticeMessage | null>(null);

  // My load follows the tasks I hold.
  const seenCount = useRef(mineCount);
  useEffect(() => {
    if (mineCount === seenCount.current) return;
    seenCount.current = mineCount;
    void reload();
  }, [mineCount, reload]);

  const refusalText = (r: NextTaskRefusal, now: Availability | null): string => {
    if (r.kind === 'away') return r.presence === 'offline' ? t('next.offline') : t('next.away');
    if (r.kind === 'offShift')
      return now?.nextShiftAt ? t('next.offShiftUntil', { time: formatDateTime(now.nextShiftAt) }) : t('next.offShift');
    return t('next.capacityFull', { load: r.load ?? now?.load ?? '?', capacity: r.capacity ?? now?.capacity ?? '?' });
  };

  const next = async () => {
    setBusy('next');
    setMessage(null);
    let leaving = false;
    try {
      const answer = await requestNextTask({ start: false });
      if (answer) {
        handOff(answer);
        leaving = true;
        router.push(routes.task(answer.process.pid));
      } else {
        setMessage(notice('info', t('next.none')));
      }
    } catch (e) {
      const refusal = refusalOf(e);
      setMessage(
        notice(
          'error',
          refusal ? refusalText(refusal, availability.data) : t('next.failed', { message: errorMessage(e) }),
        ),
      );
      // A refusal may mean the presence or load shown here is out of date.
      if (refusal) void reload();
    } finally {
      // On the way to the task page the button stays disabled: a second click would take a second task.
      if (!leaving) setBusy(null);
    }
  };

  const data = availability.data;
  const available = data?.presence === 'available';
  const togglePresence = async () => {
    if (!data) return;
    setBusy('presence');
    setMessage(null);
    try {
      await availability.setPresence(available ? 'away' : 'available');
    } catch (e) {
      setMessage(notice('error', t('presence.failed', { message: errorMessage(e) })));
    } finally {
      setBusy(null);
    }
  };

  return (
    <>
      <section className="work-bar" aria-label={t('next.region')}>
        <button
          type="button"
          className="btn btn-primary"
          data-testid="next-task"
          disabled={busy !== null}
          aria-busy={busy === 'next'}
          onClick={() => void next()}
        >
          {busy === 'next' ? t('next.busy') : t('next.button')}
        </button>
        {data && (
          <button
            type="button"
            className={`btn presence-toggle presence-${data.presence}`}
            data-testid="presence-toggle"
            data-presence={data.presence}
            disabled={busy !== null}
            title={available ? t('presence.setAway') : t('presence.setAvailable')}
            onClick={() => void togglePresence()}
          >
            <span className="presence-dot" aria-hidden="true" />
            <span>{t(`presence.${data.presence}`)}</span>
            <span className="sr-only">: {available ? t('presence.setAway') : t('presence.setAvailable')}</span>
          </button>
        )}
        {data && !data.onShift && (
          <span className="muted" data-testid="presence-shift">
            {data.nextShiftAt
              ? t('presence.offShiftUntil', { time: formatDateTime(data.nextShiftAt) })
              : t('presence.offShift')}
          </span>
        )}
        {data && data.capacity !== null && (
          <span className="muted" data-testid="presence-load">
            {t('presence.load', { load: data.load, capacity: data.capacity })}
          </span>
        )}
      </section>
      <Notice message={message} onClose={() => setMessage(null)} />
    </>
  );
}
