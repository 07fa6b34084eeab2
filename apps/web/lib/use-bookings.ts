'use client';
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, seg } from './api';
import { dayWindow } from './day';
import type { BookingView } from './types/scheduler';

/** The bookings of several resources over one local day, by resource key. */
export type DayBookings = {
  byResource: Map<string, BookingView[]>;
  error: unknown;
  reload(): Promise<void>;
};

/**
 * `GET /resources/{key}/bookings?from&to` for each of `keys` over the local day `date` (`YYYY-MM-DD`), again on
 * `reload()`; a stale answer never overwrites a newer one.
 */
export function useDayBookings(keys: readonly string[], date: string): DayBookings {
  const [state, setState] = useState<{ byResource: Map<string, BookingView[]>; error: unknown }>({
    byResource: new Map(),
    error: null,
  });
  const seq = useRef(0);
  const keyList = keys.join('\n');
  const reload = useCallback(async () => {
    const mine = ++seq.current;
    const { from, to } = dayWindow(date);
    const q = `from=${encodeURIComponent(new Date(from).toISOString())}&to=${encodeURIComponent(new Date(to).toISOString())}`;
    try {
      const lists = await Promise.all(
        keyList
          .split('\n')
          .filter(Boolean)
          .map(async (key) => [key, await api.get<BookingView[]>(`/v1/resources/${seg(key)}/bookings?${q}`)] as const),
      );
      if (mine === seq.current) setState({ byResource: new Map(lists), error: null });
    } catch (error) {
      if (mine === seq.current) setState((s) => ({ ...s, error }));
    }
  }, [keyList, date]);
  useEffect(() => {
    void reload();
    return () => {
      seq.current++;
    };
  }, [reload]);
  return { ...state, reload };
}

/** Bookings that hold their slot (held or in use). */
export const isLive = (b: BookingView): boolean => b.status === 'held' || b.status === 'active';
