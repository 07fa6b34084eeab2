'use client';
import { useCallback, useEffect, useRef, useState } from 'react';
import { live, useResync, useTaskChanges } from './live';
import { rowFromChange, type TaskRow } from './task-row';
import type { LiveTaskChange } from './types/live';
import { useLatest } from './use-latest';

/** A list loaded in part: its rows and how to load the rows after them (null when it is complete). */
export type PartialList = { rows: TaskRow[]; more: (() => Promise<PartialList>) | null };

/** Options of {@link useLiveList}. */
export type LiveListOptions = {
  /**
   * Loads the list from REST (initially, on `key` change, and on every resync): every row, or the first rows and
   * how to load more ({@link PartialList}, for paged lists).
   */
  load: () => Promise<TaskRow[] | PartialList>;
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
  /** True when the REST list goes on past the rows loaded ({@link PartialList}). */
  hasMore: boolean;
  /** True while {@link loadMore} runs. */
  loadingMore: boolean;
  /** Loads the next rows of a partial list (no-op when there are none or a load runs). */
  loadMore(): void;
};

/**
 * A task list kept current: REST load, then every `task.changed` patches it — inserted when `accepts` the
 * new row, updated in place while accepted, removed when not any more. Changes not newer than the version
 * shown for their pid are ignored; changes arriving while a load is in flight are re-applied on top of it.
 * Reloads after a reconnect so nothing is lost. A paged `load` brings its first rows; `loadMore` adds the next
 * ones (rows already shown in a newer version, e.g. from a live change, keep that version).
 */
export function useLiveList({ load, accepts, room = null, key = '', enabled = true }: LiveListOptions): LiveList {
  const loadRef = useLatest(load);
  const acceptsRef = useLatest(accepts);
  const rowsRef = useRef<TaskRow[]>([]);
  const versions = useRef(new Map<number, number>());
  const buffer = useRef<LiveTaskChange[] | null>(null);
  const seq = useRef(0);
  const more = useRef<PartialList['more']>(null);
  const [state, setState] = useState<{ rows: TaskRow[]; loading: boolean; error: unknown; hasMore: boolean }>({
    rows: [],
    loading: true,
    error: null,
    hasMore: false,
  });
  const [loadingMore, setLoadingMore] = useState(false);
  const loadingMoreRef = useRef(false);

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
      const result = await loadRef.current();
      if (mine !== seq.current) return;
      const loaded = Array.isArray(result) ? result : result.rows;
      more.current = Array.isArray(result) ? null : result.more;
      const buffered = buffer.current ?? [];
      buffer.current = null;
      for (const r of loaded) versions.current.set(r.pid, r.version);
      rowsRef.current = loaded.filter((r) => acceptsRef.current(r));
      for (const change of buffered) apply(change);
      setState({ rows: rowsRef.current, loading: false, error: null, hasMore: more.current !== null });
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
    more.current = null;
    setState({ rows: [], loading: true, error: null, hasMore: false });
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

  const loadMore = useCallback(() => {
    const next = more.current;
    if (!next || loadingMoreRef.current) return;
    const mine = seq.current;
    loadingMoreRef.current = true;
    setLoadingMore(true);
    void next()
      .then((page) => {
        if (mine !== seq.current) return; // a reload started over meanwhile
        more.current = page.more;
        const shown = new Set(rowsRef.current.map((r) => r.pid));
        const added = page.rows.filter((r) => {
          const known = versions.current.get(r.pid);
          if (shown.has(r.pid) || (known !== undefined && known >= r.version)) return false;
          versions.current.set(r.pid, r.version);
          return acceptsRef.current(r);
        });
        rowsRef.current = [...rowsRef.current, ...added];
        setState((s) => ({ ...s, rows: rowsRef.current, error: null, hasMore: page.more !== null }));
      })
      .catch((error: unknown) => {
        if (mine === seq.current) setState((s) => ({ ...s, error }));
      })
      .finally(() => {
        loadingMoreRef.current = false;
        setLoadingMore(false);
      });
  }, [acceptsRef]);

  return { ...state, reload, remove, loadingMore, loadMore };
}
