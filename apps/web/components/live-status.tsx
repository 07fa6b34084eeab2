'use client';
import { useTranslation } from 'react-i18next';
import { useLiveState } from '../lib/live';

/** The live channel's dot: green when connected. */
export function LiveStatus() {
  const { t } = useTranslation();
  const connected = useLiveState() === 'connected';
  const label = connected ? t('header.liveOn') : t('header.liveOff');
  return (
    <span className="live-status" data-testid="live-status" data-connected={String(connected)} title={label}>
      <span className={connected ? 'live-dot on' : 'live-dot off'} aria-hidden="true" />
      <span className="sr-only" role="status">
        {label}
      </span>
    </span>
  );
}
