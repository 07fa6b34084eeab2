'use client';
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, seg } from './api';
import { useLiveRoom, useResync, useTaskChanges } from './live';
import type { TaskContext } from './types/task-page';

/** The task page's context: loaded (or failed: null with `error`), and how to load it again. */
export type LoadedTaskContext = { context: TaskContext | null; loaded: boolean; error: unknown; reload(): void };

/**
 * `GET /processes/{pid}/context` (the caller's draft, the customer's earlier steps, prefill offers, requested
 * steps), read again after a reconnect and whenever a live change concerns the same customer or one of the
 * requested steps — so a suspended "request service" step learns when its request is done.
 * @param entity the task's business entity (changes of its processes reload), or null
 */
export function useTaskContext(pid: number, entity: { type: string; id: string } | null): LoadedTaskContext {
  const [state, setState] = useState<Omit<LoadedTaskContext, 'reload'>>({ context: null, loaded: false, error: null });
  const seq = useRef(0);
  const reload = useCallback(() => {
    const mine = ++seq.current;
    api.get<TaskContext>(`/v1/processes/${seg(pid)}/context`).then(
      (context) => mine === seq.current && setState({ context, loaded: true, error: null }),
      (error: unknown) => mine === seq.current && setState((s) => ({ ...s, loaded: true, error })),
    );
  }, [pid]);
  useEffect(() => {
    reload();
    return () => {
      seq.current++;
    };
  }, [reload]);

  const requested = state.context?.requested;
  const waiting = entity !== null && (requested ?? []).some((r) => r.state !== 'TERMINATED');
  useLiveRoom(waiting ? `entity:${entity.type}:${entity.id}` : null);
  useTaskChanges((c) => {
    const sameEntity = entity !== null && c.entity?.type === entity.type && c.entity.id === entity.id;
    if (sameEntity || requested?.some((r) => r.pid === c.pid)) reload();
  });
  useResync(reload);
  return { ...state, reload };
}
