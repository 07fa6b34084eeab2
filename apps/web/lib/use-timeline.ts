'use client';
import { useEffect, useMemo, useRef, useState } from 'react';
import { api, seg } from './api';
import type { TaskRow } from './task-row';
import type { ProcessEvent } from './types/process';

/** An audit event of one of the entity's processes. */
export type TimelineItem = ProcessEvent & { pid: number; serviceLabel: string };

/**
 * The entity's timeline: GET /processes/{pid}/events for each process, merged, newest first. A process's
 * events are fetched again when its version changes.
 */
export function useTimeline(rows: TaskRow[]): TimelineItem[] {
  const fetched = useRef(new Map<number, number>());
  const [byPid, setByPid] = useState<Map<number, ProcessEvent[]>>(() => new Map());

  useEffect(() => {
    const stale = rows.filter((r) => fetched.current.get(r.pid) !== r.version);
    if (stale.length === 0) return;
    const timer = setTimeout(() => {
      for (const r of stale) fetched.current.set(r.pid, r.version);
      void Promise.allSettled(
        stale.map(async (r) => [r.pid, await api.get<ProcessEvent[]>(`/v1/processes/${seg(r.pid)}/events`)] as const),
      ).then((results) => {
        const ok: (readonly [number, ProcessEvent[]])[] = [];
        results.forEach((res, i) => {
          if (res.status === 'fulfilled') ok.push(res.value);
          else fetched.current.delete(stale[i]!.pid);
        });
        if (ok.length === 0) return;
        setByPid((prev) => {
          const next = new Map(prev);
          for (const [pid, items] of ok) next.set(pid, items);
          return next;
        });
      });
    }, 150);
    return () => clearTimeout(timer);
  }, [rows]);

  return useMemo(() => {
    const labels = new Map(rows.map((r) => [r.pid, r.serviceLabel]));
    const items: TimelineItem[] = [];
    for (const [pid, events] of byPid) {
      const serviceLabel = labels.get(pid);
      if (serviceLabel === undefined) continue;
      for (const e of events) items.push({ ...e, pid, serviceLabel });
    }
    return items.sort((a, b) => Date.parse(b.at) - Date.parse(a.at) || b.id - a.id);
  }, [rows, byPid]);
}
