import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OperatorEntity } from '../src/infra/database/entities/operator.entity';
import { createOperator } from './utils/factories';
import { startTestApp, TEST_ADMIN_PASSWORD, type TestApp } from './utils/test-app';

describe('auth (real app, real PostgreSQL)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
    await createOperator(t.app, { key: 'zhang_san', password: 'zhang-san-password', roles: ['hu_shi'], staff: true });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('logs the admin in with ADMIN_PASSWORD and returns a token and the operator', async () => {
    const response = await t.request('POST', '/v1/auth/login', {
      body: { username: 'admin', password: TEST_ADMIN_PASSWORD },
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { accessToken: string; operator: unknown };
    expect(body.accessToken).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(body.operator).toEqual({
      key: 'admin',
      username: 'admin',
      label: 'Administrator',
      roles: ['guan_li_yuan'],
      admin: true,
    });
  });

  it('answers a wrong password with a 401 problem, with the same message as an unknown user', async () => {
    const wrong = await t.request('POST', '/v1/auth/login', {
      body: { username: 'admin', password: 'not-the-password' },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const wrongBody = (await wrong.json()) as Record<string, unknown>;
    expect(wrongBody).toMatchObject({ status: 401, title: 'Unauthorized', instance: '/api/v1/auth/login' });
    expect(typeof wrongBody.type).toBe('string');

    const unknown = await t.request('POST', '/v1/auth/login', {
      body: { username: 'nobody', password: 'whatever-password' },
    });
    expect(unknown.status).toBe(401);
    expect(((await unknown.json()) as { detail: string }).detail).toBe(wrongBody.detail);
  });

  it('rejects a malformed login body with 422 naming the field', async () => {
    const response = await t.request('POST', '/v1/auth/login', { body: { password: 'x' } });
    expect(response.status).toBe(422);
    const body = (await response.json()) as { errors: { field: string }[] };
    expect(body.errors.map((e) => e.field)).toContain('username');
  });

  it('answers unparseable JSON with a 400 problem', async () => {
    const response = await fetch(`${t.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"username":',
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('answers a body over the JSON limit with a 413 problem', async () => {
    const response = await t.request('POST', '/v1/auth/login', {
      body: { username: 'admin', password: 'x'.repeat(11 * 1024 * 1024) },
    });
    expect(response.status).toBe(413);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('requires a bearer token on protected routes (401 problem+json)', async () => {
    const none = await t.request('GET', '/v1/me');
    expect(none.status).toBe(401);
    expect(none.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect(await none.json()).toMatchObject({ status: 401, instance: '/api/v1/me' });

    const forged = await t.request('GET', '/v1/me', { token: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.bad' });
    expect(forged.status).toBe(401);
  });

  it('unknown routes are 404 problems', async () => {
    const token = await t.login('admin', TEST_ADMIN_PASSWORD);
    const response = await t.request('GET', '/v1/no-such-thing', { token });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('GET /v1/me returns the operator, its roles and services; role changes show on the next request', async () => {
    const token = await t.login('zhang_san', 'zhang-san-password');
    const first = await t.request('GET', '/v1/me', { token });
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({
      operator: {
        key: 'zhang_san',
        username: 'zhang_san',
        label: 'zhang_san',
        roles: ['hu_shi'],
        admin: false,
        staff: true,
      },
      roles: [{ key: 'hu_shi', label: 'hu_shi' }],
      services: [],
    });

    await t.app
      .get(DataSource)
      .getRepository(OperatorEntity)
      .update({ key: 'zhang_san' }, { roles: ['hu_shi', 'yi_sheng'] });
    const second = (await (await t.request('GET', '/v1/me', { token })).json()) as { operator: { roles: string[] } };
    expect(second.operator.roles).toEqual(['hu_shi', 'yi_sheng']);
  });

  it('a token of a deleted operator is refused', async () => {
    await createOperator(t.app, { key: 'temp_user', password: 'temp-user-password' });
    const token = await t.login('temp_user', 'temp-user-password');
    await t.app.get(DataSource).getRepository(OperatorEntity).delete({ key: 'temp_user' });
    expect((await t.request('GET', '/v1/me', { token })).status).toBe(401);
  });
});
