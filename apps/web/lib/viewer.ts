'use client';
import { useMemo } from 'react';
import type { Viewer } from './predicates';
import { useSession } from './session';
import type { MeResponse } from './types/auth';

/** The signed-in operator's /me answer; only inside the signed-in shell. */
export function useMe(): MeResponse {
  const { session } = useSession();
  if (!session) throw new Error('useMe() while signed out');
  return session.me;
}

/** The signed-in operator as list predicates see it. */
export function useViewer(): Viewer {
  const me = useMe();
  const { key, roles, admin } = me.operator;
  return useMemo(() => ({ key, roles, admin }), [key, roles, admin]);
}
