import { readSession, storeTokenPair } from './session-store';
import type { TokenPair } from './types/auth';

/** `POST /api/v1/auth/refresh` (public): a refresh token works once and is replaced by the answer's. */
export const REFRESH_PATH = '/api/v1/auth/refresh';
/** Access tokens this close to their expiry are refreshed before use. */
export const REFRESH_AHEAD_MS = 60_000;
const LOCK_NAME = 'opkernel.session.refresh';
/** A refresh that takes longer is abandoned (it holds the cross-tab lock meanwhile). */
const REFRESH_TIMEOUT_MS = 10_000;

let inflight: Promise<string | null> | null = null;
const changes = new Set<Promise<unknown>>();

/**
 * Runs `work` — something that replaces the session's tokens itself (a password change) — and makes every
 * refresh started meanwhile wait for it, so a request refused with the old token is retried with the new one
 * instead of spending the (now revoked) old refresh token. @returns `work`'s promise
 */
export function changingTokens<T>(work: Promise<T>): Promise<T> {
  const settled = work.then(
    () => undefined,
    () => undefined,
  );
  changes.add(settled);
  void settled.then(() => changes.delete(settled));
  return work;
}

/** Runs `fn` under a cross-tab lock when the browser has the Web Locks API (two tabs share one session). */
function withTabLock<T>(fn: () => Promise<T>): Promise<T> {
  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
  return locks ? (locks.request(LOCK_NAME, fn) as Promise<T>) : fn();
}

async function exchange(stale: string): Promise<string | null> {
  await Promise.all([...changes]);
  const session = readSession();
  if (!session) return null;
  // Someone else (another request, another tab, a password change) already replaced the token.
  if (session.token !== stale) return session.token;
  if (!session.refreshToken) return null;
  const res = await fetch(REFRESH_PATH, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, application/problem+json' },
    body: JSON.stringify({ refreshToken: session.refreshToken }),
    cache: 'no-store',
    signal: AbortSignal.timeout(REFRESH_TIMEOUT_MS),
  });
  if (res.ok) {
    const pair = (await res.json()) as TokenPair;
    return storeTokenPair(pair) ? pair.accessToken : null;
  }
  const now = readSession();
  if (now && now.refreshToken !== session.refreshToken) return now.token; // replaced while we asked
  if (res.status === 400 || res.status === 401 || res.status === 403 || res.status === 422) return null;
  throw new Error(`token refresh failed: HTTP ${res.status}`);
}

/**
 * Gets a new access token for the one that was refused (`stale`) or is about to expire. Single-flight:
 * concurrent callers share one `POST /auth/refresh`; across tabs a Web Lock serialises them, and a caller that
 * finds the stored token already replaced just takes it.
 * @returns the new access token, or null when the session cannot be refreshed (sign out)
 * @throws Error when the refresh could not be tried (network, server error) — the session is kept
 */
export function refreshAccessToken(stale: string): Promise<string | null> {
  inflight ??= withTabLock(() => exchange(stale)).finally(() => {
    inflight = null;
  });
  return inflight;
}

/**
 * The session's access token for the next request, refreshed first when it expires within
 * {@link REFRESH_AHEAD_MS} (a failed early refresh falls back to the current token). Null when signed out.
 */
export async function freshAccessToken(now = Date.now()): Promise<string | null> {
  const session = readSession();
  if (!session) return null;
  if (!session.refreshToken || session.expiresAt === undefined || session.expiresAt - now > REFRESH_AHEAD_MS)
    return session.token;
  try {
    return (await refreshAccessToken(session.token)) ?? session.token;
  } catch {
    return session.token;
  }
}
