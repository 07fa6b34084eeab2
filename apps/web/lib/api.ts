import { clearSession } from './session-store';
import { freshAccessToken, refreshAccessToken } from './token-refresh';
import type { ProblemDocument, ProblemFieldError } from './types/problem';

/** Where the REST API lives (same origin). */
export const API_BASE = '/api';
export const LOGIN_PATH = '/login/';

/** A failed API call: the HTTP status and the problem+json document (synthesised for other bodies). */
export class ApiProblem extends Error {
  override readonly name = 'ApiProblem';

  constructor(
    readonly status: number,
    readonly problem: ProblemDocument,
    /** Seconds from the `Retry-After` header (429, 503), or null. */
    readonly retryAfter: number | null = null,
  ) {
    super(problem.detail ?? problem.title);
  }

  /** Per-field errors of a 422 (empty otherwise). */
  get fieldErrors(): ProblemFieldError[] {
    return this.problem.errors ?? [];
  }
}

/** Options of {@link apiRequest}. `token: null` sends no token (login); undefined uses the session's. */
export type ApiOptions = {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  body?: unknown;
  token?: string | null;
  signal?: AbortSignal;
  /** Extra request headers (e.g. `Idempotency-Key`). */
  headers?: Record<string, string>;
};

async function readProblem(res: Response): Promise<ProblemDocument> {
  const fallback: ProblemDocument = {
    type: 'about:blank',
    title: res.statusText || `HTTP ${res.status}`,
    status: res.status,
  };
  try {
    const body: unknown = await res.json();
    if (body && typeof body === 'object' && 'title' in body) return { ...fallback, ...(body as ProblemDocument) };
    return fallback;
  } catch {
    return fallback;
  }
}

/** `Retry-After` in seconds (delta-seconds or an HTTP date), or null. */
function retryAfterOf(res: Response, now = Date.now()): number | null {
  const raw = res.headers.get('retry-after')?.trim();
  if (!raw) return null;
  if (/^\d+$/.test(raw)) return Number(raw);
  const at = Date.parse(raw);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - now) / 1000));
}

/** Set once this page is on its way to the login page (the REST client and the live socket may both notice). */
let leaving = false;

/** Signed out by the server (expired or revoked session): drop the session and go to the login page, once. */
export function signedOut(): void {
  clearSession();
  if (leaving || typeof window === 'undefined' || window.location.pathname === LOGIN_PATH) return;
  leaving = true;
  window.location.replace(LOGIN_PATH);
}

function send(path: string, options: ApiOptions, token: string | null): Promise<Response> {
  const headers: Record<string, string> = {
    ...options.headers,
    accept: 'application/json, application/problem+json',
  };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers['authorization'] = `Bearer ${token}`;
  return fetch(`${API_BASE}${path}`, {
    method: options.method ?? 'GET',
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: options.signal,
    cache: 'no-store',
  });
}

/** Sends the request with the session's (fresh) token, refreshing once on a 401 (see {@link apiRequest}). */
async function authorised(path: string, options: ApiOptions): Promise<Response> {
  const ownSession = options.token === undefined;
  const token = ownSession ? await freshAccessToken() : (options.token ?? null);
  let res = await send(path, options, token);
  if (res.status === 401 && token) {
    const fresh = ownSession ? await refreshAccessToken(token).catch(() => undefined) : null;
    if (fresh) res = await send(path, options, fresh);
    if (fresh === null || (fresh && res.status === 401)) signedOut();
  }
  if (!res.ok) throw new ApiProblem(res.status, await readProblem(res), retryAfterOf(res));
  return res;
}

async function bodyOf<T>(res: Response): Promise<T> {
  const text = res.status === 204 ? '' : await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/**
 * Calls `/api<path>` with JSON and the bearer token. With the session's token (no `token` option) an access
 * token about to expire is refreshed first, and a 401 refreshes it once (shared with concurrent requests) and
 * retries the request once; when the session cannot be refreshed, it is cleared and the login page shown.
 * @throws ApiProblem for any non-2xx answer
 */
export async function apiRequest<T>(path: string, options: ApiOptions = {}): Promise<T> {
  return bodyOf<T>(await authorised(path, options));
}

/** Header of a keyset-paged list (`/tasks/mine`, `/tasks/pool`) naming the next page's cursor. */
export const NEXT_CURSOR_HEADER = 'X-Next-Cursor';

/**
 * GET of one page of a keyset-paged list: its body and the cursor of the next page (`X-Next-Cursor`; null on
 * the last page). Same session handling as {@link apiRequest}.
 * @throws ApiProblem for any non-2xx answer
 */
export async function apiPage<T>(path: string, signal?: AbortSignal): Promise<{ body: T; next: string | null }> {
  const res = await authorised(path, { signal });
  return { body: await bodyOf<T>(res), next: res.headers.get(NEXT_CURSOR_HEADER) };
}

/** Shorthands. */
export const api = {
  get: <T>(path: string, signal?: AbortSignal) => apiRequest<T>(path, { signal }),
  post: <T>(path: string, body?: unknown) => apiRequest<T>(path, { method: 'POST', body: body ?? {} }),
  put: <T>(path: string, body?: unknown) => apiRequest<T>(path, { method: 'PUT', body }),
  delete: <T = void>(path: string) => apiRequest<T>(path, { method: 'DELETE' }),
};

/** Message of any error for display. */
export function errorMessage(e: unknown): string {
  if (e instanceof ApiProblem) return e.problem.detail ?? e.problem.title;
  if (e instanceof Error) return e.message;
  return String(e);
}

/** `encodeURIComponent` for path segments. */
export const seg = (s: string | number): string => encodeURIComponent(String(s));
