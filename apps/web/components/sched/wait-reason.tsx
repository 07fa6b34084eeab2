'use client';
import { useTranslation } from 'react-i18next';
import { useDesign } from '../../lib/design';
import { formatDateTime } from '../../lib/format';

/** The reasons a resource wait names (`resource:<types> <why>`). */
const WHY = ['busy', 'closed', 'blocked'] as const;

/** `resource:room busy` → `room busy`; null for a wait that is not for a resource. */
export function resourceWait(waitReason: string | null): string | null {
  if (!waitReason) return null;
  const m = /^(?:resource:|RESOURCE_WAIT:\s*)(.*)$/.exec(waitReason);
  return m ? m[1]!.trim() : null;
}

/**
 * Why a task waits for a room or machine, and when it is tried again (`wait-reason`): "Waiting for a resource:
 * room busy · retried 21 Nov, 10:30" (no retry time: a release or cancellation wakes it).
 */
export function WaitReason({ waitReason, waitUntil }: { waitReason: string | null; waitUntil: string | null }) {
  const { t } = useTranslation();
  const design = useDesign();
  const raw = resourceWait(waitReason);
  if (raw === null) return null;
  // "room,machine busy" → "Treatment room, Laser: booked" (the design's labels, the reason in words).
  const [types = '', why = ''] = raw.split(' ');
  const label = (key: string) => design?.resourceTypes?.find((r) => r.key === key)?.label ?? key;
  const words = (WHY as readonly string[]).includes(why) ? t(`sched.wait.why.${why}`) : why;
  const reason = `${types.split(',').filter(Boolean).map(label).join(', ')}: ${words}`;
  return (
    <span className="wait-reason" data-testid="wait-reason" data-retry={waitUntil ?? ''}>
      {t('sched.wait.resource', { reason })}
      {waitUntil ? ` · ${t('sched.wait.retry', { time: formatDateTime(waitUntil) })}` : ''}
    </span>
  );
}
