'use client';
import { useCallback, useEffect, useRef } from 'react';
import { api, seg } from './api';
import type { PutDraftBody } from './types/task-page';

/** Quiet time after the last change before a draft is saved, ms. */
export const DRAFT_DEBOUNCE_MS = 600;

/**
 * What the task page does with typed data: `change` schedules a save; `settle` drops a pending one and waits for
 * one in flight (before an action that ends the draft, so no save lands after it).
 */
export type DraftAutosave = {
  change(formData: Record<string, unknown>): void;
  settle(): Promise<void>;
  /** Sends a pending save now and waits for it (before an action that keeps the draft, e.g. suspend). */
  save(): Promise<void>;
};

/**
 * Autosaves a task's form as its server-side draft (`PUT /processes/{pid}/draft`), debounced by
 * {@link DRAFT_DEBOUNCE_MS}; a pending save is sent at once when the page is left (unmount, tab hidden). Only
 * while `enabled` (the task is the reader's and being worked on); data equal to `baseline` (what the form
 * started with) or to the last save is not sent again. Saving is best effort: a refusal (the task moved on) is
 * dropped silently — the typed data stays in the page.
 */
export function useDraftAutosave(
  pid: number,
  enabled: boolean,
  baseline: Record<string, unknown> | null,
): DraftAutosave {
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const pending = useRef<string | null>(null);
  const last = useRef<string | null>(baseline ? JSON.stringify(baseline) : null);
  const inflight = useRef<Promise<void>>(Promise.resolve());
  const on = useRef(enabled);
  on.current = enabled;

  const flush = useCallback(() => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    const body = pending.current;
    pending.current = null;
    if (body === null || !on.current || body === last.current) return;
    last.current = body;
    inflight.current = api
      .put<unknown>(`/v1/processes/${seg(pid)}/draft`, { formData: JSON.parse(body) } satisfies PutDraftBody)
      .then(
        () => undefined,
        () => {
          last.current = null;
        },
      );
  }, [pid]);

  const cancel = useCallback(() => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    pending.current = null;
  }, []);
  const save = useCallback(() => {
    flush();
    return inflight.current;
  }, [flush]);
  const settle = useCallback(() => {
    cancel();
    return inflight.current;
  }, [cancel]);

  const change = useCallback(
    (formData: Record<string, unknown>) => {
      if (!on.current) return;
      pending.current = JSON.stringify(formData);
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(flush, DRAFT_DEBOUNCE_MS);
    },
    [flush],
  );

  useEffect(() => {
    if (!enabled) cancel();
  }, [enabled, cancel]);

  useEffect(() => {
    const hidden = () => document.visibilityState === 'hidden' && flush();
    document.addEventListener('visibilitychange', hidden);
    window.addEventListener('pagehide', flush);
    return () => {
      document.removeEventListener('visibilitychange', hidden);
      window.removeEventListener('pagehide', flush);
      flush();
    };
  }, [flush]);

  return { change, settle, save };
}
