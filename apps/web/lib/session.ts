'use client';
import { createContext, createElement, useCallback, useContext, useEffect, useMemo, useSyncExternalStore } from 'react';
import type { ReactNode } from 'react';
import { apiRequest } from './api';
import { resetDesignCache } from './design';
import { live } from './live';
import {
  clearSession,
  readSession,
  subscribeSession,
  tokensOf,
  writeSession,
  type StoredSession,
} from './session-store';
import type { MeResponse, TokenPair } from './types/auth';

/** What `useSession()` gives: the session (null when signed out) and the ways to change it. */
export type SessionValue = {
  session: StoredSession | null;
  login(username: string, password: string): Promise<StoredSession>;
  /** Revokes the session on the server (errors ignored), then forgets it. */
  logout(): Promise<void>;
  /** Re-reads GET /api/v1/me (roles may have changed). */
  refresh(): Promise<void>;
};

const SessionContext = createContext<SessionValue | null>(null);

/** How long sign-out waits for `POST /auth/logout` before forgetting the session anyway. */
const LOGOUT_TIMEOUT_MS = 3000;

/**
 * Signs in: POST /auth/login, then GET /me with the new access token; the token pair and the /me answer are
 * kept in localStorage.
 */
export async function login(username: string, password: string): Promise<StoredSession> {
  const pair = await apiRequest<TokenPair>('/v1/auth/login', {
    method: 'POST',
    body: { username, password },
    token: null,
  });
  const me = await apiRequest<MeResponse>('/v1/me', { token: pair.accessToken });
  const session: StoredSession = { ...tokensOf(pair), me };
  resetDesignCache();
  writeSession(session);
  return session;
}

/**
 * Signs out: `POST /auth/logout` revokes every token of the operator (all devices; its errors are ignored),
 * then the session is forgotten here and, through the storage event, in the other tabs.
 */
export async function logout(): Promise<void> {
  // Closed first: the server drops the sockets of revoked sessions, which must not look like a lost session.
  live.disconnect();
  if (readSession()) {
    await apiRequest<void>('/v1/auth/logout', {
      method: 'POST',
      body: {},
      signal: AbortSignal.timeout(LOGOUT_TIMEOUT_MS),
    }).catch(() => undefined);
  }
  resetDesignCache();
  clearSession();
}

/** Provides the session to the app; refreshes /me once per access token. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const session = useSyncExternalStore(subscribeSession, readSession, () => null);
  const token = session?.token ?? null;

  const refresh = useCallback(async () => {
    if (!readSession()) return;
    const me = await apiRequest<MeResponse>('/v1/me');
    const now = readSession();
    if (now && now.me.operator.key === me.operator.key) writeSession({ ...now, me });
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
