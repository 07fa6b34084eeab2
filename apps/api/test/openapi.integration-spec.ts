import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, TEST_ADMIN_PASSWORD, type TestApp } from './utils/test-app';

describe('OpenAPI document', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('serves the JSON at /api/docs-json with bearer auth and the routes', async () => {
    const response = await fetch(`${t.url}/api/docs-json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as {
      paths: Record<string, Record<string, { security?: unknown[] }>>;
      components: { securitySchemes: Record<string, { type: string; scheme: string }> };
    };
    expect(document.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/auth/login',
        '/api/v1/me',
        '/api/v1/operators',
        '/api/v1/operators/{id}/password',
        '/api/health',
      ]),
    );
    expect(document.paths['/api/v1/me'].get.security).toEqual([{ bearer: [] }]);
  });

  it('has no test clock without OPKERNEL_CLOCK=manual: neither a route nor a document entry', async () => {
    const login = await t.request('POST', '/v1/auth/login', {
      body: { username: 'admin', password: TEST_ADMIN_PASSWORD },
    });
    const { accessToken } = (await login.json()) as { accessToken: string };
    expect((await t.request('GET', '/v1/test/clock', { token: accessToken })).status).toBe(404);
    expect((await t.request('POST', '/v1/test/clock', { token: accessToken, body: { advanceMs: 1 } })).status).toBe(
      404,
    );
    const document = (await (await fetch(`${t.url}/api/docs-json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(document.paths)).not.toContain('/api/v1/test/clock');
  });

  it('serves the UI at /api/docs', async () => {
    const response = await fetch(`${t.url}/api/docs`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
  });
});
