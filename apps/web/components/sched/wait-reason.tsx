'use client';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../lib/format';

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
  const reason = resourceWait(waitReason);
  if (reason === null) return null;
  return (
    <span className="wait-reason" data-testid="wait-reason" data-retry={waitUntil ?? ''}>
      {t('sched.wait.resource', { reason })}
      {waitUntil ? ` · ${t('sched.wait.retry', { time: formatDateTime(waitUntil) })}` : ''}
    </span>
  );
}
