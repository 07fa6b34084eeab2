'use client';
import { useEffect, useState } from 'react';

/** The current time, refreshed every `everyMs` (task groups move from upcoming to today to overdue). */
export function useNow(everyMs = 60_000): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
