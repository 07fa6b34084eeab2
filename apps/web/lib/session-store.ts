import type { MeResponse, TokenPair } from './types/auth';

/** localStorage key of the session (tokens + GET /me answer), so a reload keeps you signed in. */
export const SESSION_KEY = 'opkernel.session';

/**
 * What is kept in localStorage. `token` is the access token (15 minutes); `refreshToken` rotates on every
 * refresh and `expiresAt` (epoch ms) is when the access token runs out. Sessions stored by older versions
 * have neither: they stay usable until their first 401, which then signs out.
 */
export type StoredSession = { token: string; refreshToken?: string; expiresAt?: number; me: MeResponse };

const listeners = new Set<() => void>();
let cachedRaw: string | null = null;
let cached: StoredSession | null = null;

function isSession(v: unknown): v is StoredSession {
  const s = v as StoredSession | null;
  return (
    typeof s === 'object' &&
    s !== null &&
    typeof s.token === 'string' &&
    (s.refreshToken === undefined || typeof s.refreshToken === 'string') &&
    (s.expiresAt === undefined || typeof s.expiresAt === 'number') &&
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

/**
 * The stored session (the same object while the stored text is unchanged), or null. When only the tokens
 * changed (a refresh), `me` keeps its identity, so components reading it do not re-render for nothing.
 */
export function readSession(): StoredSession | null {
  const raw = storage()?.getItem(SESSION_KEY) ?? null;
  if (raw === cachedRaw) return cached;
  cachedRaw = raw;
  const previous = cached;
  try {
    const parsed: unknown = raw ? JSON.parse(raw) : null;
    cached = isSession(parsed) ? parsed : null;
  } catch {
    cached = null;
  }
  if (cached && previous && JSON.stringify(cached.me) === JSON.stringify(previous.me)) cached.me = previous.me;
  return cached;
}

/** The access token, or null when signed out. */
export const readToken = (): string | null => readSession()?.token ?? null;

const notify = () => listeners.forEach((l) => l());

/** Stores `session` (this tab's listeners are told; other tabs get the storage event). */
export function writeSession(session: StoredSession): void {
  storage()?.setItem(SESSION_KEY, JSON.stringify(session));
  notify();
}

/** Forgets the session. */
export function clearSession(): void {
  storage()?.removeItem(SESSION_KEY);
  notify();
}

/** The stored form of a token pair (expiry as epoch ms, measured from `now`). */
export function tokensOf(pair: Pick<TokenPair, 'accessToken' | 'refreshToken' | 'expiresIn'>, now = Date.now()) {
  return { token: pair.accessToken, refreshToken: pair.refreshToken, expiresAt: now + pair.expiresIn * 1000 };
}

/**
 * Replaces the tokens of the stored session with `pair` (refresh, password change), keeping `me`.
 * @returns false when there is no session to update (signed out meanwhile, or another operator signed in)
 */
export function storeTokenPair(
  pair: Pick<TokenPair, 'accessToken' | 'refreshToken' | 'expiresIn'> & { operator?: { key: string } },
): boolean {
  const current = readSession();
  if (!current || (pair.operator && pair.operator.key !== current.me.operator.key)) return false;
  writeSession({ ...current, ...tokensOf(pair) });
  return true;
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
