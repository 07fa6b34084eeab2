'use client';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLiveState } from '../lib/live';

/** How long "connection restored" stays up, ms. */
const BACK_SHOWN_MS = 6000;

/**
 * A banner while the live channel is down after it was up ("connection lost … reconnecting", an alert), and for a
 * few seconds once it is back ("restored": the lists resynced from REST on reconnect). Nothing before the first
 * connection, nor on sign-out.
 */
export function ConnectionNotice() {
  const { t } = useTranslation();
  const state = useLiveState();
  const wasUp = useRef(false);
  const [shown, setShown] = useState<'lost' | 'back' | null>(null);

  useEffect(() => {
    if (state === 'connected') {
      wasUp.current = true;
      setShown((now) => (now === 'lost' ? 'back' : now));
    } else if (state === 'idle') {
      wasUp.current = false;
      setShown(null);
    } else if (state === 'disconnected' && wasUp.current) setShown('lost');
  }, [state]);
  useEffect(() => {
    if (shown !== 'back') return;
    const timer = setTimeout(() => setShown(null), BACK_SHOWN_MS);
    return () => clearTimeout(timer);
  }, [shown]);

  if (!shown) return null;
  return (
    <div
      className={`connection-notice connection-${shown}`}
      data-testid="connection-notice"
      data-kind={shown}
      role={shown === 'lost' ? 'alert' : 'status'}
    >
      {t(shown === 'lost' ? 'connection.lost' : 'connection.back')}
    </div>
  );
}
