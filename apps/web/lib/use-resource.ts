'use client';
import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from './api';

/** A REST resource loaded once on mount: the data (null until loaded), the last error, and ways to update it. */
export type Resource<T> = {
  data: T | null;
  error: unknown;
  reload(): Promise<void>;
  /** Replaces the data locally (after a write answered the new state). */
  set(update: (data: T | null) => T | null): void;
};

/** `GET /api<path>` on mount (and on `reload()`); a stale answer never overwrites a newer one. */
export function useResource<T>(path: string): Resource<T> {
  const [state, setState] = useState<{ data: T | null; error: unknown }>({ data: null, error: null });
  const seq = useRef(0);
  const reload = useCallback(async () => {
    const mine = ++seq.current;
    try {
      const data = await api.get<T>(path);
      if (mine === seq.current) setState({ data, error: null });
    } catch (error) {
      if (mine === seq.current) setState((s) => ({ ...s, error }));
    }
  }, [path]);
  useEffect(() => {
    void reload();
    return () => {
      seq.current++;
    };
  }, [reload]);
  const set = useCallback((update: (data: T | null) => T | null) => {
    seq.current++;
    setState((s) => ({ data: update(s.data), error: null }));
  }, []);
  return { ...state, reload, set };
}
