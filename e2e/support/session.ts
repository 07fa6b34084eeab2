import type { Page, Response } from 'playwright-core';

/** localStorage key of the web app's session (apps/web/lib/session-store.ts). */
export const SESSION_KEY = 'opkernel.session';

/** The stored session as the web app keeps it (the fields the tests read). */
export type StoredSession = {
  token: string;
  refreshToken?: string;
  expiresAt?: number;
  me: { operator: { key: string; username: string | null } };
};

/** The page's stored session, or null when signed out. */
export async function readStoredSession(page: Page): Promise<StoredSession | null> {
  const raw = await page.evaluate<string | null>(`window.localStorage.getItem(${JSON.stringify(SESSION_KEY)})`);
  return raw ? (JSON.parse(raw) as StoredSession) : null;
}

/**
 * Overwrites fields of the page's stored session (e.g. a dead access token, an expiry in the past) in one step
 * inside the page, so a token refresh of the app cannot fall between reading and writing it.
 */
export async function patchStoredSession(page: Page, patch: Partial<StoredSession>): Promise<void> {
  const key = JSON.stringify(SESSION_KEY);
  const ok = await page.evaluate<boolean>(`(() => {
    const raw = window.localStorage.getItem(${key});
    if (!raw) return false;
    window.localStorage.setItem(${key}, JSON.stringify({ ...JSON.parse(raw), ...${JSON.stringify(patch)} }));
    return true;
  })()`);
  if (!ok) throw new Error('no stored session');
}

/** The API answers a page received, recorded from now on (`/api/...` path and status). */
export type ApiLog = { calls: { method: string; path: string; status: number }[]; count(path: string): number };

/** Records every `/api/` answer the page gets. */
export function recordApi(page: Page): ApiLog {
  const log: ApiLog = {
    calls: [],
    count: (path) => log.calls.filter((c) => c.path === path).length,
  };
  page.on('response', (res: Response) => {
    const url = new URL(res.url());
    if (url.pathname.startsWith('/api/'))
      log.calls.push({ method: res.request().method(), path: url.pathname, status: res.status() });
  });
  return log;
}

/** `fetch` of the app's REST API from the test (not the browser), with an optional bearer token. */
export async function rawApi(
  baseURL: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown } = {},
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${baseURL}/api${path}`, {
    method,
    headers: {
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    },
    body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // not JSON
  }
  return { status: res.status, body };
}
