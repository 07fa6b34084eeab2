import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../src/journey/api-client';
import { setupClinic, type ProcessDto } from './utils/clinic';
import { createOperator } from './utils/factories';
import { startTestApp, type TestApp } from './utils/test-app';

/** Who asks. `read` / `all`: integrator API tokens with processes:read / every scope. */
const ACTORS = ['anonymous', 'customer', 'doctor', 'nurse', 'read', 'all', 'admin'] as const;
type ActorName = (typeof ACTORS)[number];

/** An expected status, or `pass`: the request got past authorization (2xx, 409 or 422 — state-dependent). */
type Expected = number | 'pass';
type Row = { expect: Record<ActorName, Expected>; body?: unknown; query?: string };

const row = (
  anonymous: Expected,
  customer: Expected,
  doctor: Expected,
  nurse: Expected,
  read: Expected,
  all: Expected,
  admin: Expected,
  extra: Omit<Row, 'expect'> = {},
): Row => ({ expect: { anonymous, customer, doctor, nurse, read, all, admin }, ...extra });

/**
 * Every route of the OpenAPI document × every kind of caller → the expected status. `{pid}` is a reception task
 * started by and assigned to 小方 (the nurse 小蒋's role allows it, the doctor's does not) — a fresh one for each
 * command route, so one caller's command does not change what the next one meets; `{id}` an operator to
 * administer or an unknown token id. A route missing from this table fails the test, so a new route needs its row.
 */
const MATRIX: Record<string, Row> = {
  'GET /api/health': row(200, 200, 200, 200, 200, 200, 200),
  'GET /metrics': row(401, 403, 403, 403, 403, 403, 200),
  'POST /api/v1/auth/login': row(422, 422, 422, 422, 422, 422, 422, { body: {} }),
  'POST /api/v1/auth/refresh': row(401, 401, 401, 401, 401, 401, 401, { body: { refreshToken: 'not-a-token' } }),
  'GET /api/v1/me': row(401, 200, 200, 200, 200, 200, 200),
  'PUT /api/v1/me/password': row(401, 422, 422, 422, 403, 403, 422, {
    body: { currentPassword: 'not-the-password', newPassword: 'Brand-New-Secret-91' },
  }),
  'GET /api/v1/operators': row(401, 403, 403, 403, 403, 403, 200),
  'PUT /api/v1/operators/{id}/password': row(401, 403, 403, 403, 403, 403, 204, {
    body: { password: 'Matrix-Target-Pass-42' },
  }),
  'PUT /api/v1/operators/{id}/roles': row(401, 403, 403, 403, 403, 403, 200, { body: { roles: [] } }),
  'POST /api/v1/operators/{id}/lock': row(401, 403, 403, 403, 403, 403, 200),
  'POST /api/v1/operators/{id}/unlock': row(401, 403, 403, 403, 403, 403, 200),
  'GET /api/v1/operators/{id}/availability': row(401, 403, 403, 403, 403, 403, 200),
  'PUT /api/v1/operators/{id}/skills': row(401, 403, 403, 403, 403, 403, 200, { body: [] }),
  'PUT /api/v1/operators/{id}/capacity': row(401, 403, 403, 403, 403, 403, 200, { body: { capacity: null } }),
  'PUT /api/v1/operators/{id}/calendar': row(401, 403, 403, 403, 403, 403, 200, { body: { calendar: null } }),
  'PUT /api/v1/me/presence': row(401, 403, 200, 200, 403, 'pass', 200, { body: { status: 'available' } }),
  'GET /api/v1/me/availability': row(401, 403, 200, 200, 'pass', 'pass', 200),
  'GET /api/v1/api-tokens': row(401, 403, 403, 403, 403, 403, 200),
  'POST /api/v1/api-tokens': row(401, 403, 403, 403, 403, 403, 422, { body: { name: '' } }),
  'DELETE /api/v1/api-tokens/{id}': row(401, 403, 403, 403, 403, 403, 404),
  'GET /api/v1/audit/verify': row(401, 403, 403, 403, 403, 403, 200),
  'POST /api/v1/designs': row(401, 403, 403, 403, 403, 201, 201, {
    query: '?format=erpsys-flat&dryRun=true',
    body: [],
  }),
  'GET /api/v1/designs/current': row(401, 200, 200, 200, 200, 200, 200),
  'GET /api/v1/entry-points': row(401, 200, 200, 200, 200, 200, 200),
  'POST /api/v1/processes': row(401, 422, 422, 422, 403, 422, 422, { body: {} }),
  'GET /api/v1/processes': row(401, 403, 200, 200, 200, 200, 200),
  'GET /api/v1/processes/{pid}': row(401, 403, 404, 200, 200, 200, 200),
  'GET /api/v1/processes/{pid}/events': row(401, 403, 404, 200, 200, 200, 200),
  'GET /api/v1/processes/{pid}/snapshots': row(401, 403, 404, 200, 200, 200, 200),
  'GET /api/v1/processes/{pid}/transfer-candidates': row(401, 403, 404, 200, 200, 200, 200),
  'GET /api/v1/processes/{pid}/draft': row(401, 403, 404, 404, 404, 404, 404),
  'PUT /api/v1/processes/{pid}/draft': row(401, 403, 404, 403, 403, 403, 403, { body: { formData: {} } }),
  'GET /api/v1/processes/{pid}/context': row(401, 403, 404, 200, 200, 200, 200),
  'GET /api/v1/processes/{pid}/stages': row(401, 403, 404, 200, 200, 200, 200),
  'GET /api/v1/staff': row(401, 403, 200, 200, 200, 200, 200),
  'POST /api/v1/processes/{pid}/claim': row(401, 403, 404, 409, 403, 'pass', 'pass'),
  'POST /api/v1/processes/{pid}/unclaim': row(401, 403, 404, 403, 403, 'pass', 'pass'),
  'POST /api/v1/processes/{pid}/start': row(401, 403, 404, 403, 403, 'pass', 'pass'),
  'POST /api/v1/processes/{pid}/complete': row(401, 403, 404, 403, 403, 'pass', 'pass', { body: { form: {} } }),
  'POST /api/v1/processes/{pid}/suspend': row(401, 403, 404, 403, 403, 'pass', 'pass', { body: { reason: 'm' } }),
  'POST /api/v1/processes/{pid}/resume': row(401, 403, 404, 403, 403, 'pass', 'pass'),
  'POST /api/v1/processes/{pid}/cancel': row(401, 403, 404, 403, 403, 'pass', 'pass', { body: { reason: 'm' } }),
  'POST /api/v1/processes/{pid}/transfer': row(401, 403, 404, 403, 403, 'pass', 'pass', {
    body: { operator: 'admin' },
  }),
  'POST /api/v1/processes/{pid}/retry': row(401, 403, 404, 403, 403, 'pass', 'pass'),
  'POST /api/v1/processes/{pid}/reopen': row(401, 403, 404, 403, 403, 'pass', 'pass'),
  'GET /api/v1/processes/{pid}/assignment-explanation': row(401, 403, 404, 404, 404, 404, 404),
  'GET /api/v1/processes/{pid}/assignment-explanations': row(401, 403, 404, 200, 200, 200, 200),
  'POST /api/v1/processes/{pid}/urgency': row(401, 403, 403, 403, 403, 403, 200, { body: { by: 5, reason: 'm' } }),
  'GET /api/v1/scheduler/lanes': row(401, 403, 403, 403, 403, 403, 200),
  'GET /api/v1/fairness': row(401, 403, 403, 403, 403, 403, 200),
  'PUT /api/v1/fairness/{key}': row(401, 403, 403, 403, 403, 403, 200, { body: { weight: 2 } }),
  'GET /api/v1/resources': row(401, 403, 200, 200, 200, 200, 200),
  'GET /api/v1/resources/{key}': row(401, 403, 404, 404, 404, 404, 404),
  'PUT /api/v1/resources/{key}/state': row(401, 403, 403, 403, 403, 403, 404, {
    body: { state: 'blocked', reason: 'm' },
  }),
  'GET /api/v1/resources/{key}/bookings': row(401, 403, 404, 404, 404, 404, 404),
  'POST /api/v1/resources/{key}/bookings': row(401, 403, 403, 403, 403, 403, 404, {
    body: { from: '2030-01-01T09:00:00Z', to: '2030-01-01T10:00:00Z' },
  }),
  'DELETE /api/v1/bookings/{id}': row(401, 403, 403, 403, 403, 403, 404),
  'PATCH /api/v1/resources/{key}': row(401, 403, 403, 403, 403, 403, 404, { body: { label: 'm' } }),
  'GET /api/v1/calendars': row(401, 403, 403, 403, 403, 403, 200),
  'GET /api/v1/calendars/{key}': row(401, 403, 403, 403, 403, 403, 404),
  'PUT /api/v1/calendars/{key}': row(401, 403, 403, 403, 403, 403, 201, {
    body: { timeZone: 'UTC', attendances: [{ days: [1], from: '09:00', to: '17:00' }] },
  }),
  'POST /api/v1/calendars/{key}/leaves': row(401, 403, 403, 403, 403, 403, 201, {
    body: { from: '2030-01-01T09:00:00Z', to: '2030-01-01T10:00:00Z' },
  }),
  'DELETE /api/v1/calendars/{key}/leaves/{id}': row(401, 403, 403, 403, 403, 403, 404),
  'DELETE /api/v1/calendars/{key}': row(401, 403, 403, 403, 403, 403, 204),
  'GET /api/v1/decks': row(401, 403, 403, 403, 403, 403, 200),
  'POST /api/v1/decks/{key}/pause': row(401, 403, 403, 403, 403, 403, 404),
  'POST /api/v1/decks/{key}/resume': row(401, 403, 403, 403, 403, 403, 404),
  'GET /api/v1/decks/{key}/failures': row(401, 403, 403, 403, 403, 403, 404),
  'POST /api/v1/decks/board-session': row(401, 403, 403, 403, 403, 403, 200),
  // The event ring: tokens with events:write (none of the matrix's tokens has it) and admins.
  'POST /api/v1/events': row(401, 403, 403, 403, 403, 403, 200, {
    body: { source: 'matrix', eventId: 'matrix-1', type: 'matrix.ping' },
  }),
  'GET /api/v1/events': row(401, 403, 403, 403, 403, 403, 200),
  'GET /api/v1/schedules': row(401, 403, 403, 403, 403, 403, 200),
  'POST /api/v1/tasks/next': row(401, 403, 'pass', 'pass', 403, 'pass', 'pass', { body: { dryRun: true } }),
  'GET /api/v1/tasks/mine': row(401, 403, 200, 200, 200, 200, 200),
  'GET /api/v1/tasks/pool': row(401, 403, 200, 200, 200, 200, 200),
  'GET /api/v1/entities/{type}/{id}/tasks': row(401, 403, 200, 200, 200, 200, 200),
  'GET /api/v1/entities': row(401, 403, 200, 200, 200, 200, 200, { query: '?q=%E5%AE%A2' }),
  // Last: signs every actor out.
  'POST /api/v1/auth/logout': row(401, 204, 204, 204, 403, 403, 204),
};

describe('authorization matrix: every route × anonymous, customer, nurse, doctor, admin, API tokens', () => {
  let t: TestApp;
  const tokens = {} as Record<ActorName, string | null>;
  let pid: number;
  let entity: { type: string; id: string };
  let routes: string[];
  let c: Awaited<ReturnType<typeof setupClinic>>;

  /** A new journey for the same customer; its reception task (assigned to 小方). */
  const freshTask = async (): Promise<number> => {
    const root = await c.fang.client.post<ProcessDto>('/v1/processes', {
      service: 'ke_hu_fu_wu',
      entity: { type: entity.type, id: entity.id },
    });
    return root.cascade.find((x) => x.service === 'xin_yu_yue')!.pid;
  };

  beforeAll(async () => {
    t = await startTestApp();
    c = await setupClinic(t.url);
    await createOperator(t.app, { key: 'matrix_customer', password: 'Matrix-Customer-Pass-42', staff: false });
    await createOperator(t.app, { key: 'matrix_target', password: 'Matrix-Target-Pass-41', roles: ['hu_shi'] });
    const customer = await ApiClient.login(t.url, 'matrix_customer', 'Matrix-Customer-Pass-42');
    const root = await c.fang.client.post<ProcessDto & { entity: { type: string; id: string } }>('/v1/processes', {
      service: 'ke_hu_fu_wu',
      entity: { type: 'Operator', label: '矩阵' },
    });
    pid = root.cascade.find((x) => x.service === 'xin_yu_yue')!.pid;
    entity = root.entity;
    const token = async (scopes: string[]) =>
      (await c.admin.post<{ token: string }>('/v1/api-tokens', { name: `matrix ${scopes.join(' ')}`, scopes })).token;
    Object.assign(tokens, {
      anonymous: null,
      customer: customer.accessToken,
      doctor: c.chen.client.accessToken,
      nurse: c.jiang.client.accessToken,
      read: await token(['processes:read']),
      all: await token(['processes:read', 'processes:write', 'designs:write']),
      admin: c.admin.accessToken,
    });
    const doc = (await (await fetch(`${t.url}/api/docs-json`)).json()) as { paths: Record<string, object> };
    routes = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`),
    );
  });
  afterAll(async () => {
    await t?.close();
  });

  it('has a row for every route of the OpenAPI document (and no row for a route that does not exist)', () => {
    expect([...routes].sort()).toEqual(Object.keys(MATRIX).sort());
  });

  it('answers every route × caller with the expected status', async () => {
    const seen: string[] = [];
    for (const [route, spec] of Object.entries(MATRIX)) {
      const [method, template] = route.split(' ') as [string, string];
      const task = method === 'POST' && template.includes('{pid}') ? await freshTask() : pid;
      const path = template
        .replace('{pid}', String(task))
        .replace('{type}', entity.type)
        .replace('/operators/{id}', '/operators/matrix_target')
        .replace('/api-tokens/{id}', '/api-tokens/00000000-0000-4000-8000-000000000000')
        .replace('/fairness/{key}', '/fairness/matrix-tenant')
        .replace('/resources/{key}', '/resources/no-such-room')
        .replace('/bookings/{id}', '/bookings/999999')
        .replace('/calendars/{key}', '/calendars/matrix-calendar')
        .replace('/decks/{key}', '/decks/no-such-deck')
        .replace('/leaves/{id}', '/leaves/999999')
        .replace('{id}', encodeURIComponent(entity.id));
      for (const actor of ACTORS) {
        const token = tokens[actor];
        const response = await fetch(`${t.url}${path}${spec.query ?? ''}`, {
          method,
          headers: {
            ...(token ? { authorization: `Bearer ${token}` } : {}),
            ...(spec.body !== undefined ? { 'content-type': 'application/json' } : {}),
          },
          body: spec.body !== undefined ? JSON.stringify(spec.body) : undefined,
        });
        const expected = spec.expect[actor];
        const ok =
          expected === 'pass'
            ? response.status < 300 || response.status === 409 || response.status === 422
            : response.status === expected;
        if (!ok) seen.push(`${route} as ${actor}: ${response.status}, expected ${expected}`);
        if (response.status >= 400) {
          expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        }
      }
      // Keep the administered operator usable for the next rows.
      if (route.includes('/lock')) {
        await fetch(`${t.url}/api/v1/operators/matrix_target/unlock`, {
          method: 'POST',
          headers: { authorization: `Bearer ${tokens.admin}` },
        });
      }
    }
    expect(seen).toEqual([]);
  });
});
