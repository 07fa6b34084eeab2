import { clearSession, readToken } from './session-store';
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
  ) {
    super(problem.detail ?? problem.title);
  }

  /** Per-field errors of a 422 (empty otherwise). */
  get fieldErrors(): ProblemFieldError[] {
    return this.problem.errors ?? [];
  }
}

/** Options of {@link apiRequest}. `token: null` sends no token (login); undefined uses the session's. */
export type ApiOptions = { method?: 'GET' | 'POST' | 'PUT' | 'DELETE'; body?: unknown; token?: string | null; signal?: AbortSignal };

async function readProblem(res: Response): Promise<ProblemDocument> {
  const fallback: ProblemDocument = { type: 'about:blank', title: res.statusText || `HTTP ${res.status}`, status: res.status };
  try {
    const body: unknown = await res.json();
    if (body && typeof body === 'object' && 'title' in body) return { ...fallback, ...(body as ProblemDocument) };
    return fallback;
  } catch {
    return fallback;
  }
}

/** Signed out by the server (expired or revoked token): drop the session and go to the login page. */
function signedOut(): void {
  clearSession();
  if (typeof window !== 'undefined' && window.location.pathname !== LOGIN_PATH) window.location.replace(LOGIN_PATH);
}

/**
 * Calls `/api<path>` with JSON and the bearer token.
 * @throws ApiProblem for any non-2xx answer (after a 401 with a token the session is cleared first)
 */
export async function apiRequest<T>(path: string, options: ApiOptions = {}): Promise<T> {
  const token = options.token === undefined ? readToken() : options.token;
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers['authorization'] = `Bearer ${token}`;
  const res = await fetch(`${API_BASE}${path}`, {
    method: options.method ?? 'GET',
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: options.signal,
    cache: 'no-store',
  });
  if (res.status === 401 && token) signedOut();
  if (!res.ok) throw new ApiProblem(res.status, await readProblem(res));
  const text = res.status === 204 ? '' : await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Shorthands. */
export const api = {
  get: <T>(path: string, signal?: AbortSignal) => apiRequest<T>(path, { signal }),
  post: <T>(path: string, body?: unknown) => apiRequest<T>(path, { method: 'POST', body: body ?? {} }),
  put: <T>(path: string, body?: unknown) => apiRequest<T>(path, { method: 'PUT', body }),
};

/** Message of any error for display. */
export function errorMessage(e: unknown): string {
  if (e instanceof ApiProblem) return e.problem.detail ?? e.problem.title;
  if (e instanceof Error) return e.message;
  return String(e);
}

/** `encodeURIComponent` for path segments. */
export const seg = (s: string | number): string => encodeURIComponent(String(s));
