'use client';
import { useEffect, useRef } from 'react';
import { useResync, useTaskChanges } from './live';
import { useLatest } from './use-latest';

/**
 * Calls `reload` after live task changes (at most once per `delayMs`, trailing) and after every resync: for
 * views that aggregate on the server (lanes, resources) and cannot be patched from one `task.changed`.
 */
export function useChangeReload(reload: () => unknown, delayMs = 400): void {
  const latest = useLatest(reload);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );
  useTaskChanges(() => {
    if (timer.current) return;
    timer.current = setTimeout(() => {
      timer.current = null;
      void latest.current();
    }, delayMs);
  });
  useResync(() => void latest.current());
}
