'use client';
import { useEffect, useState } from 'react';
import { api, seg } from './api';
import type { ProcessEvent, ProcessSnapshot } from './types/process';

/** Audit trail and snapshots of a process, fetched again when `version` changes. */
export function useProcessHistory(
  pid: number,
  version: number | undefined,
): { events: ProcessEvent[] | null; snapshots: ProcessSnapshot[] | null; error: unknown } {
  const [state, setState] = useState<{
    events: ProcessEvent[] | null;
    snapshots: ProcessSnapshot[] | null;
    error: unknown;
  }>({
    events: null,
    snapshots: null,
    error: null,
  });
  useEffect(() => {
    if (version === undefined) return;
    let alive = true;
    Promise.all([
      api.get<ProcessEvent[]>(`/v1/processes/${seg(pid)}/events`),
      api.get<ProcessSnapshot[]>(`/v1/processes/${seg(pid)}/snapshots`),
    ]).then(
      ([events, snapshots]) => alive && setState({ events, snapshots, error: null }),
      (error: unknown) => alive && setState((s) => ({ ...s, error })),
    );
    return () => {
      alive = false;
    };
  }, [pid, version]);
  return state;
}
