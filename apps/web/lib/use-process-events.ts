'use client';
import { useEffect, useState } from 'react';
import { api, seg } from './api';
import type { ProcessEvent } from './types/process';

/** The audit trail of a process (null until loaded, or when it cannot be read), fetched again when `version` changes. */
export function useProcessEvents(pid: number, version: number | undefined): ProcessEvent[] | null {
  const [events, setEvents] = useState<ProcessEvent[] | null>(null);
  useEffect(() => {
    if (version === undefined) return;
    let alive = true;
    api.get<ProcessEvent[]>(`/v1/processes/${seg(pid)}/events`).then(
      (all) => alive && setEvents(all),
      () => undefined,
    );
    return () => {
      alive = false;
    };
  }, [pid, version]);
  return events;
}
