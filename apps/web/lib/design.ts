'use client';
import { useEffect, useState } from 'react';
import { api } from './api';
import type { CurrentDesign, DesignService } from './types/design';

let pending: Promise<CurrentDesign> | null = null;

/** GET /api/v1/designs/current, fetched once per sign-in. */
export function loadDesign(): Promise<CurrentDesign> {
  pending ??= api.get<CurrentDesign>('/v1/designs/current').catch((e: unknown) => {
    pending = null;
    throw e;
  });
  return pending;
}

/** Forgets the cached design (on sign-in/out). */
export function resetDesignCache(): void {
  pending = null;
}

/** The current design, or null while loading (or when none is imported). */
export function useDesign(): CurrentDesign | null {
  const [design, setDesign] = useState<CurrentDesign | null>(null);
  useEffect(() => {
    let alive = true;
    loadDesign().then(
      (d) => alive && setDesign(d),
      () => undefined,
    );
    return () => {
      alive = false;
    };
  }, []);
  return design;
}

/** A service of the design by key. */
export const serviceOf = (design: CurrentDesign | null, key: string | null | undefined): DesignService | undefined =>
  key ? design?.services.find((s) => s.key === key) : undefined;
