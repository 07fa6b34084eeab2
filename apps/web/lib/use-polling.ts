'use client';
import { useEffect } from 'react';
import { useLatest } from './use-latest';

/**
 * Calls `tick` every `ms` milliseconds while `active` (and the page is visible: a hidden tab does not poll, and
 * polls once when it shows again). The latest `tick` is called; a tick still running skips the next one.
 */
export function usePolling(tick: () => Promise<unknown>, ms: number, active = true): void {
  const latest = useLatest(tick);
  useEffect(() => {
    if (!active) return;
    let running = false;
    const run = () => {
      if (running || document.visibilityState === 'hidden') return;
      running = true;
      void latest.current().finally(() => (running = false));
    };
    const timer = window.setInterval(run, ms);
    document.addEventListener('visibilitychange', run);
    return () => {
      window.clearInterval(timer);
      document.removeEventListener('visibilitychange', run);
    };
  }, [latest, ms, active]);
}
