'use client';
import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from './api';
import type { Availability, Presence, PresenceBody } from './types/scheduler';

/** My availability for get-next (presence, shift, load and capacity) and a way to change my presence. */
export type MyAvailability = {
  /** Null until loaded (and always for customers). */
  data: Availability | null;
  error: unknown;
  reload(): Promise<void>;
  /** `PUT /me/presence`; the answer replaces `data`. @throws ApiProblem */
  setPresence(status: Presence): Promise<void>;
};

/**
 * `GET /api/v1/me/availability` on mount and on `reload()` — only when `enabled` (staff and administrators:
 * customers take no work and the API refuses them). A stale answer never overwrites a newer one.
 */
export function useMyAvailability(enabled: boolean): MyAvailability {
  const [state, setState] = useState<{ data: Availability | null; error: unknown }>({ data: null, error: null });
  const seq = useRef(0);
  const reload = useCallback(async () => {
    if (!enabled) return;
    const mine = ++seq.current;
    try {
      const data = await api.get<Availability>('/v1/me/availability');
      if (mine === seq.current) setState({ data, error: null });
    } catch (error) {
      if (mine === seq.current) setState((s) => ({ ...s, error }));
    }
  }, [enabled]);
  useEffect(() => {
    void reload();
    return () => {
      seq.current++;
    };
  }, [reload]);
  const setPresence = useCallback(async (status: Presence) => {
    const body: PresenceBody = { status };
    const mine = ++seq.current;
    const data = await api.put<Availability>('/v1/me/presence', body);
    if (mine === seq.current) setState({ data, error: null });
  }, []);
  return { ...state, reload, setPresence };
}
