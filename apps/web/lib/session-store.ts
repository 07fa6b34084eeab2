import type { MeResponse } from './types/auth';

/** localStorage key of the session (token + GET /me answer), so a reload keeps you signed in. */
export const SESSION_KEY = 'opkernel.session';

/** What is kept in localStorage. */
export type StoredSession = { token: string; me: MeResponse };

const listeners = new Set<() => void>();
let cachedRaw: string | null = null;
let cached: StoredSession | null = null;

function isSession(v: unknown): v is StoredSession {
  const s = v as StoredSession | null;
  return (
    typeof s === 'object' &&
    s !== null &&
    typeof s.token === 'string' &&
    typeof s.me?.operator?.key === 'string' &&
    Array.isArray(s.me.operator.roles) &&
    Array.isArray(s.me.roles)
  );
}

function storage(): Storage | null {
  try {
    return typeof window === 'undefined' ? null : window.localStorage;
  } catch {
    return null;
  }
}

/** The stored session (the same object while the stored text is unchanged), or null. */
export function readSession(): StoredSession | null {
  const raw = storage()?.getItem(SESSION_KEY) ?? null;
  if (raw === cachedRaw) return cached;
  cachedRaw = raw;
  try {
    const parsed: unknown = raw ? JSON.parse(raw) : null;
    cached = isSession(parsed) ? parsed : null;
  } catch {
    cached = null;
  }
  return cached;
}

/** The access token, or null when signed out. */
export const readToken = (): string | null => readSession()?.token ?? null;

const notify = () => listeners.forEach((l) => l());

export function writeSession(session: StoredSession): void {
  storage()?.setItem(SESSION_KEY, JSON.stringify(session));
  notify();
}

export function clearSession(): void {
  storage()?.removeItem(SESSION_KEY);
  notify();
}

/** Calls `listener` when the session changes in this tab or another one. */
export function subscribeSession(listener: () => void): () => void {
  listeners.add(listener);
  const onStorage = (e: StorageEvent) => {
    if (e.key === SESSION_KEY || e.key === null) listener();
  };
  window.addEventListener('storage', onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('storage', onStorage);
  };
}
