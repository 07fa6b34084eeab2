'use client';
import { createContext, createElement, useCallback, useContext, useEffect, useMemo, useSyncExternalStore } from 'react';
import type { ReactNode } from 'react';
import { apiRequest } from './api';
import { resetDesignCache } from './design';
import { clearSession, readSession, subscribeSession, writeSession, type StoredSession } from './session-store';
import type { LoginResponse, MeResponse } from './types/auth';

/** What `useSession()` gives: the session (null when signed out) and the ways to change it. */
export type SessionValue = {
  session: StoredSession | null;
  login(username: string, password: string): Promise<StoredSession>;
  logout(): void;
  /** Re-reads GET /api/v1/me (roles may have changed). */
  refresh(): Promise<void>;
};

const SessionContext = createContext<SessionValue | null>(null);

const fetchMe = (token: string) => apiRequest<MeResponse>('/v1/me', { token });

/** Signs in: POST /auth/login, then GET /me with the new token; both are kept in localStorage. */
export async function login(username: string, password: string): Promise<StoredSession> {
  const answer = await apiRequest<LoginResponse>('/v1/auth/login', {
    method: 'POST',
    body: { username, password },
    token: null,
  });
  const me = await fetchMe(answer.accessToken);
  const session = { token: answer.accessToken, me };
  resetDesignCache();
  writeSession(session);
  return session;
}

/** Signs out (this tab and, through the storage event, the others). */
export function logout(): void {
  resetDesignCache();
  clearSession();
}

/** Provides the session to the app; refreshes /me once per token. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const session = useSyncExternalStore(subscribeSession, readSession, () => null);
  const token = session?.token ?? null;

  const refresh = useCallback(async () => {
    const current = readSession();
    if (!current) return;
    const me = await fetchMe(current.token);
    if (readSession()?.token === current.token) writeSession({ token: current.token, me });
  }, []);

  useEffect(() => {
    if (token) refresh().catch(() => undefined);
  }, [token, refresh]);

  const value = useMemo<SessionValue>(() => ({ session, login, logout, refresh }), [session, refresh]);
  return createElement(SessionContext.Provider, { value }, children);
}

/** The session context (inside {@link SessionProvider}). */
export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession() outside <SessionProvider>');
  return value;
}
