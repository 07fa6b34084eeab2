import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedApiToken } from '@opkernel/contracts';
import { setupClinic, type ProcessDto } from './utils/clinic';
import { startTestApp, type TestApp } from './utils/test-app';

describe('integrator API tokens (real app, real PostgreSQL)', () => {
  let t: TestApp;
  let admin: string;
  let c: Awaited<ReturnType<typeof setupClinic>>;

  const create = async (name: string, scopes: string[]): Promise<CreatedApiToken> => {
    const response = await t.request('POST', '/v1/api-tokens', { token: admin, body: { name, scopes } });
    expect(response.status).toBe(201);
    return (await response.json()) as CreatedApiToken;
  };

  beforeAll(async () => {
    t = await startTestApp();
    c = await setupClinic(t.url);
    admin = c.admin.accessToken!;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('creates a token shown once, lists it without the secret, and documents the scheme in OpenAPI', async () => {
    const created = await create('ERP sync', ['processes:read']);
    expect(created.token).toMatch(/^opk_[\w-]{43}$/);
    expect(created.scopes).toEqual(['processes:read']);
    const listed = (await (await t.request('GET', '/v1/api-tokens', { token: admin })).json()) as Record<
      string,
      unknown
    >[];
    const row = listed.find((r) => r.id === created.id)!;
    expect(row).toMatchObject({ name: 'ERP sync', scopes: ['processes:read'], lastUsedAt: null });
    expect(JSON.stringify(listed)).not.toContain(created.token);
    const doc = (await (await fetch(`${t.url}/api/docs-json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toContain('/api/v1/api-tokens');
    const bad = await t.request('POST', '/v1/api-tokens', { token: admin, body: { name: 'x', scopes: ['root'] } });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { errors: { field: string }[] }).errors[0]!.field).toMatch(/^scopes/);
  });

  it('a read-only token reads processes but gets 403 on writes and on administration', async () => {
    const { token } = await create('reporting', ['processes:read']);
    expect((await t.request('GET', '/v1/processes', { token })).status).toBe(200);
    expect((await t.request('GET', '/v1/tasks/pool', { token })).status).toBe(200);
    expect((await t.request('GET', '/v1/designs/current', { token })).status).toBe(200);
    const write = await t.request('POST', '/v1/processes', {
      token,
      body: { service: 'ke_hu_fu_wu', entity: { type: 'Operator', label: 'x' } },
    });
    expect(write.status).toBe(403);
    expect((await t.request('POST', '/v1/designs?format=erpsys', { token, body: [] })).status).toBe(403);
    expect((await t.request('GET', '/v1/operators', { token })).status).toBe(403);
    expect((await t.request('GET', '/v1/api-tokens', { token })).status).toBe(403);
    expect((await t.request('POST', '/v1/auth/logout', { token })).status).toBe(403);
    const used = (await (await t.request('GET', '/v1/api-tokens', { token: admin })).json()) as {
      name: string;
      lastUsedAt: string | null;
    }[];
    expect(used.find((r) => r.name === 'reporting')!.lastUsedAt).not.toBeNull();
  });

  it('a write token starts journeys as a named integration actor in the audit trail', async () => {
    const created = await create('Web shop', ['processes:read', 'processes:write']);
    const response = await t.request('POST', '/v1/processes', {
      token: created.token,
      body: { service: 'ke_hu_fu_wu', entity: { type: 'Operator', label: '集成客户' } },
    });
    expect(response.status).toBe(201);
    const root = (await response.json()) as ProcessDto & { creator: string };
    expect(root.creator).toBe(`integration:${created.id}`);
    const events = (await (
      await t.request('GET', `/v1/processes/${root.pid}/events`, { token: created.token })
    ).json()) as {
      actor: string | null;
      action: string;
    }[];
    expect(events.find((e) => e.action === 'created')!.actor).toBe(`integration:${created.id}`);
    const me = (await (await t.request('GET', '/v1/me', { token: created.token })).json()) as {
      operator: { label: string };
    };
    expect(me.operator.label).toBe('Web shop');
  });

  it('revoking a token answers 401 to its very next request', async () => {
    const created = await create('temporary', ['processes:read']);
    expect((await t.request('GET', '/v1/processes', { token: created.token })).status).toBe(200);
    expect((await t.request('DELETE', `/v1/api-tokens/${created.id}`, { token: admin })).status).toBe(204);
    expect((await t.request('GET', '/v1/processes', { token: created.token })).status).toBe(401);
    expect((await t.request('DELETE', `/v1/api-tokens/${created.id}`, { token: admin })).status).toBe(404);
    expect((await t.request('DELETE', '/v1/api-tokens/not-a-uuid', { token: admin })).status).toBe(422);
    expect((await t.request('GET', '/v1/processes', { token: 'opk_made-up' })).status).toBe(401);
  });

  it('a designs:write token imports designs; staff cannot create tokens', async () => {
    const { token } = await create('CI deploy', ['designs:write']);
    const fixture = await import('./utils/clinic').then((m) => m.readFixture('backup.json'));
    const imported = await t.request('POST', '/v1/designs?format=erpsys', { token, body: fixture });
    expect(imported.status).toBe(201);
    // Operators (roles, admin) are people's administration: a token may not change them through a design.
    const current = await c.admin.get<{ name: string }>('/v1/designs/current');
    const escalate = await t.request('POST', '/v1/designs?format=native', {
      token,
      body: {
        schemaVersion: 1,
        name: current.name,
        operators: [{ key: 'xiao_fang', username: 'fang', label: '小方', roles: [], staff: true, admin: true }],
      },
    });
    expect(escalate.status).toBe(403);
    const ops = await c.admin.get<{ username: string | null; admin: boolean }[]>('/v1/operators');
    expect(ops.find((o) => o.username === 'fang')!.admin).toBe(false);
    const staff = await t.request('POST', '/v1/api-tokens', {
      token: c.fang.client.accessToken!,
      body: { name: 'mine', scopes: ['processes:read'] },
    });
    expect(staff.status).toBe(403);
  });
});
