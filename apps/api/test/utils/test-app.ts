import type { INestApplication } from '@nestjs/common';
import { createApp } from '../../src/bootstrap/create-app';
import { createTestDatabase, type TestDatabase } from './test-db';

/** Password of the `admin` operator in test apps. */
export const TEST_ADMIN_PASSWORD = 'test-admin-password';

/** A running API on its own database. */
export type TestApp = {
  /** Base URL (no `/api`), e.g. `http://127.0.0.1:41234`. */
  url: string;
  app: INestApplication;
  db: TestDatabase;
  /** Closes the app and drops its database. */
  close(): Promise<void>;
  /** Logs in through `POST /api/v1/auth/login`; returns the access token. Throws on a non-200 answer. */
  login(username: string, password: string): Promise<string>;
  /** `fetch` of `/api<path>` with an optional bearer token and JSON body. */
  request(
    method: string,
    path: string,
    options?: { token?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<Response>;
};

/**
 * Starts the real API (`createApp`) on a fresh database (see `createTestDatabase`) and a free port, with
 * `ADMIN_PASSWORD` = {@link TEST_ADMIN_PASSWORD}. No design is seeded unless `seed` is true.
 */
export async function startTestApp(options: { seed?: boolean; redisUrl?: string | null } = {}): Promise<TestApp> {
  const db = await createTestDatabase();
  process.env.ADMIN_PASSWORD = TEST_ADMIN_PASSWORD;
  process.env.JWT_SECRET ??= 'integration-tests-jwt-secret-0123456789';
  process.env.LOG_LEVEL ??= 'warn';
  // Tests stand for several client addresses with X-Forwarded-For (login throttling is per address).
  process.env.TRUST_PROXY ??= 'loopback';
  let started: Awaited<ReturnType<typeof createApp>>;
  try {
    // Tests import the designs they need; `seed: true` reproduces `npm start`'s first start.
    started = await createApp({ databaseUrl: db.url, port: 0, seed: options.seed ?? false, redisUrl: options.redisUrl });
  } catch (error) {
    await db.drop();
    throw error;
  }
  const { app, url } = started;

  const request: TestApp['request'] = (method, path, options = {}) =>
    fetch(`${url}/api${path}`, {
      method,
      headers: {
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...options.headers,
      },
      body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
    });

  return {
    url,
    app,
    db,
    request,
    close: async () => {
      await started.close();
      await db.drop();
    },
    login: async (username, password) => {
      const response = await request('POST', '/v1/auth/login', { body: { username, password } });
      if (response.status !== 200)
        throw new Error(`login ${username} failed: ${response.status} ${await response.text()}`);
      return ((await response.json()) as { accessToken: string }).accessToken;
    },
  };
}
