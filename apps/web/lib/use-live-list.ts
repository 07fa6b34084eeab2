'use client';
import { useCallback, useEffect, useRef, useState } from 'react';
import { live, useResync, useTaskChanges } from './live';
import { rowFromChange, type TaskRow } from './task-row';
import type { LiveTaskChange } from './types/live';
import { useLatest } from './use-latest';

/** Options of {@link useLiveList}. */
export type LiveListOptions = {
  /** Loads the list from REST (initially, on `key` change, and on every resync). */
  load: () => Promise<TaskRow[]>;
  /** Whether a row belongs in this list. */
  accepts: (row: TaskRow) => boolean;
  /** A room to hold for this list (e.g. `entity:<type>:<id>`); the first load waits until it is joined. */
  room?: string | null;
  /** Changing it starts over (e.g. another entity). */
  key?: string;
  /** While false nothing loads (e.g. before the operator is known). @default true */
  enabled?: boolean;
};

/** A live list: its rows, load state and a few manual operations. */
export type LiveList = {
  rows: TaskRow[];
  loading: boolean;
  error: unknown;
  reload(): void;
  /** Takes a row out now (e.g. after a lost claim). */
  remove(pid: number): void;
};

/**
 * A task list kept current: REST load, then every `task.changed` patches it — inserted when `accepts` the
 * new row, updated in place while accepted, removed when not any more. Changes not newer than the version
 * shown for their pid are ignored; changes arriving while a load is in flight are re-applied on top of it.
 * Reloads after a reconnect so nothing is lost.
 */
export function useLiveList({ load, accepts, room = null, key = '', enabled = true }: LiveListOptions): LiveList {
  const loadRef = useLatest(load);
  const acceptsRef = useLatest(accepts);
  const rowsRef = useRef<TaskRow[]>([]);
  const versions = useRef(new Map<number, number>());
  const buffer = useRef<LiveTaskChange[] | null>(null);
  const seq = useRef(0);
  const [state, setState] = useState<{ rows: TaskRow[]; loading: boolean; error: unknown }>({
    rows: [],
    loading: true,
    error: null,
  });

  const publish = useCallback(() => setState((s) => ({ ...s, rows: rowsRef.current })), []);

  /** Applies one change to rowsRef; true when the rows changed. */
  const apply = useCallback(
    (change: LiveTaskChange): boolean => {
      const known = versions.current.get(change.pid);
      if (known !== undefined && change.version <= known) return false;
      versions.current.set(change.pid, change.version);
      const rows = rowsRef.current;
      const i = rows.findIndex((r) => r.pid === change.pid);
      const row = rowFromChange(change, rows[i]);
      const accepted = acceptsRef.current(row);
      if (i >= 0) rowsRef.current = accepted ? rows.map((r, j) => (j === i ? row : r)) : rows.filter((_, j) => j !== i);
      else if (accepted) rowsRef.current = [...rows, row];
      else return false;
      return true;
    },
    [acceptsRef],
  );

  const runLoad = useCallback(async () => {
    const mine = ++seq.current;
    buffer.current = [];
    try {
      const loaded = await loadRef.current();
      if (mine !== seq.current) return;
      const buffered = buffer.current ?? [];
      buffer.current = null;
      for (const r of loaded) versions.current.set(r.pid, r.version);
      rowsRef.current = loaded.filter((r) => acceptsRef.current(r));
      for (const change of buffered) apply(change);
      setState({ rows: rowsRef.current, loading: false, error: null });
    } catch (error) {
      if (mine !== seq.current) return;
      buffer.current = null;
      setState((s) => ({ ...s, loading: false, error }));
    }
  }, [apply, loadRef, acceptsRef]);

  useEffect(() => {
    if (!enabled) return;
    rowsRef.current = [];
    versions.current = new Map();
    setState({ rows: [], loading: true, error: null });
    const lease = room ? live.subscribe(room) : null;
    let cancelled = false;
    void (lease?.ready ?? Promise.resolve()).then(() => {
      if (!cancelled) void runLoad();
    });
    return () => {
      cancelled = true;
      seq.current++;
      buffer.current = null;
      lease?.release();
    };
  }, [key, room, enabled, runLoad]);

  useTaskChanges((change) => {
    if (!enabled) return;
    buffer.current?.push(change);
    if (apply(change)) publish();
  });

  useResync(() => {
    if (enabled) void runLoad();
  });

  const reload = useCallback(() => void runLoad(), [runLoad]);
  const remove = useCallback(
    (pid: number) => {
      rowsRef.current = rowsRef.current.filter((r) => r.pid !== pid);
      publish();
    },
    [publish],
  );

  return { ...state, reload, remove };
}
