import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOperator } from './utils/factories';
import { startTestApp, TEST_ADMIN_PASSWORD, type TestApp } from './utils/test-app';

describe('operators (admin only)', () => {
  let t: TestApp;
  let adminToken: string;
  let staffToken: string;

  beforeAll(async () => {
    t = await startTestApp();
    await createOperator(t.app, { key: 'li_si', password: 'li-si-password', roles: ['hu_shi'], staff: true });
    adminToken = await t.login('admin', TEST_ADMIN_PASSWORD);
    staffToken = await t.login('li_si', 'li-si-password');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('lists operators for an administrator', async () => {
    const response = await t.request('GET', '/v1/operators', { token: adminToken });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual([
      {
        key: 'admin',
        username: 'admin',
        label: 'Administrator',
        roles: ['guan_li_yuan'],
        staff: true,
        admin: true,
        locked: false,
        hasPassword: true,
      },
      {
        key: 'li_si',
        username: 'li_si',
        label: 'li_si',
        roles: ['hu_shi'],
        staff: true,
        admin: false,
        locked: false,
        hasPassword: true,
      },
    ]);
  });

  it('answers 403 problem+json to a non-administrator', async () => {
    const list = await t.request('GET', '/v1/operators', { token: staffToken });
    expect(list.status).toBe(403);
    expect(list.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await list.json()).toMatchObject({ status: 403, title: 'Forbidden' });

    const change = await t.request('PUT', '/v1/operators/admin/password', {
      token: staffToken,
      body: { password: 'hijacked-password' },
    });
    expect(change.status).toBe(403);
  });

  it('answers 401 without a token', async () => {
    expect((await t.request('GET', '/v1/operators')).status).toBe(401);
  });

  it('rejects a password shorter than 10 characters with 422 naming `password`', async () => {
    const response = await t.request('PUT', '/v1/operators/li_si/password', {
      token: adminToken,
      body: { password: 'short' },
    });
    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const body = (await response.json()) as { errors: { field: string; message: string }[] };
    expect(body.errors[0].field).toBe('password');
  });

  it('answers 404 problem for an unknown operator', async () => {
    const response = await t.request('PUT', '/v1/operators/nobody/password', {
      token: adminToken,
      body: { password: 'long-enough-password' },
    });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ status: 404, instance: '/api/v1/operators/nobody/password' });
  });

  it('sets a password that then works for login (and the old one no longer does)', async () => {
    const response = await t.request('PUT', '/v1/operators/li_si/password', {
      token: adminToken,
      body: { password: 'new-li-si-password' },
    });
    expect(response.status).toBe(204);
    await expect(t.login('li_si', 'new-li-si-password')).resolves.toEqual(expect.any(String));
    await expect(t.login('li_si', 'li-si-password')).rejects.toThrow(/401/);
  });
});
