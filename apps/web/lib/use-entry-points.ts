'use client';
import { useEffect, useState } from 'react';
import { api } from './api';
import type { EntryPoint } from './types/process';

/** Services I may start by hand for an entity type (null while loading). */
export function useEntryPoints(entityType: string): { entryPoints: EntryPoint[] | null; error: unknown } {
  const [state, setState] = useState<{ entryPoints: EntryPoint[] | null; error: unknown }>({
    entryPoints: null,
    error: null,
  });
  useEffect(() => {
    let alive = true;
    api.get<EntryPoint[]>(`/v1/entry-points?entityType=${encodeURIComponent(entityType)}`).then(
      (entryPoints) => alive && setState({ entryPoints, error: null }),
      (error: unknown) => alive && setState({ entryPoints: [], error }),
    );
    return () => {
      alive = false;
    };
  }, [entityType]);
  return state;
}
