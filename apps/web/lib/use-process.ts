'use client';
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, seg } from './api';
import { useLiveRoom, useResync, useTaskChanges } from './live';
import type { ProcessDetail } from './types/process';

/** A process loaded from REST. */
export type LoadedProcess = { data: ProcessDetail | null; error: unknown; loading: boolean; reload(): Promise<void> };

/**
 * GET /processes/{pid}, kept current: holds the `process:<pid>` room and reloads when this process (or one
 * of its children) changes, and after a reconnect.
 */
export function useProcess(pid: number): LoadedProcess {
  const [state, setState] = useState<Omit<LoadedProcess, 'reload'>>({ data: null, error: null, loading: true });
  const seq = useRef(0);
  const current = useRef<ProcessDetail | null>(null);

  const reload = useCallback(async () => {
    const mine = ++seq.current;
    try {
      const data = await api.get<ProcessDetail>(`/v1/processes/${seg(pid)}`);
      if (mine !== seq.current) return;
      current.current = data;
      setState({ data, error: null, loading: false });
    } catch (error) {
      if (mine !== seq.current) return;
      setState((s) => ({ ...s, error, loading: false }));
    }
  }, [pid]);

  useEffect(() => {
    current.current = null;
    setState({ data: null, error: null, loading: true });
    void reload();
    return () => {
      seq.current++;
    };
  }, [reload]);

  useLiveRoom(`process:${pid}`);

  useTaskChanges((c) => {
    const p = current.current;
    if (c.pid === pid ? !p || c.version > p.version : p?.children.some((ch) => ch.pid === c.pid)) void reload();
  });
  useResync(() => void reload());

  return { ...state, reload };
}

/** `?pid=` as a positive integer, or null. */
export function parsePid(raw: string | null): number | null {
  if (!raw || !/^[1-9]\d{0,15}$/.test(raw)) return null;
  return Number(raw);
}
