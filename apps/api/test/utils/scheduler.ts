import { Client } from 'pg';
import { ApiClient, ApiProblem } from '../../src/journey/api-client';
import { TEST_ADMIN_PASSWORD, type TestApp } from './test-app';

/**
 * A started test app with `design` imported, amy and bob signed in, and a direct database client: the set-up of
 * the scheduler's REST suites. Close it with {@link closeNurses}.
 */
export async function openNurses(t: TestApp, design: unknown) {
  const clients = await setupNurses(t, design);
  const db = new Client({ connectionString: t.db.url });
  await db.connect();
  return { ...clients, db };
}

/** Ends what {@link openNurses} opened (either may be missing when the set-up failed). */
export async function closeNurses(t: TestApp | undefined, db: Client | undefined): Promise<void> {
  await db?.end();
  await t?.close();
}

/** Imports a native design whose operators include amy and bob, sets their passwords and logs everyone in. */
export async function setupNurses(t: TestApp, design: unknown) {
  const admin = await ApiClient.login(t.url, 'admin', TEST_ADMIN_PASSWORD);
  await admin.post('/v1/designs?format=native', design);
  for (const key of ['amy', 'bob']) await admin.put(`/v1/operators/${key}/password`, { password: `${key}-password-1` });
  return {
    admin,
    amy: await ApiClient.login(t.url, 'amy', 'amy-password-1'),
    bob: await ApiClient.login(t.url, 'bob', 'bob-password-1'),
  };
}

/** Starts a journey of `service` for a new customer entity; its pid. */
export const startTask = async (admin: ApiClient, service: string): Promise<number> =>
  (await admin.post<{ pid: number }>('/v1/processes', { service, entity: { type: 'Customer', label: service } })).pid;

/**
 * `POST /tasks/next` as `client` (against `baseUrl`, default the client's own): the answer, or null for 204.
 * @throws ApiProblem for a non-2xx answer
 */
export async function getNext<T>(
  client: ApiClient,
  body: Record<string, unknown> = {},
  baseUrl?: string,
): Promise<T | null> {
  const res = await fetch(`${baseUrl ?? client.baseUrl}/api/v1/tasks/next`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${client.accessToken}` },
    body: JSON.stringify(body),
  });
  if (res.status === 204) return null;
  const data = (await res.json()) as T;
  if (!res.ok) throw new ApiProblem(res.status, data as never);
  return data;
}

/** The ApiProblem a promise rejects with, or null when it resolves. */
export const failure = (p: Promise<unknown>): Promise<ApiProblem | null> =>
  p.then(
    () => null,
    (e: unknown) => e as ApiProblem,
  );

/** Cancels every live task (as the admin), so a test starts with empty lanes, no load and no held rooms. */
export async function cancelOpenTasks(db: Client, admin: ApiClient): Promise<void> {
  const rows = await db.query<{ pid: string }>(
    `SELECT pid FROM processes WHERE kind = 'task' AND state <> 'TERMINATED'`,
  );
  for (const r of rows.rows) await admin.post(`/v1/processes/${r.pid}/cancel`, { reason: 'test reset' });
}

/** A native design: a laser session needs the one treatment room (`room-a`) for 30 minutes; nurses amy and bob. */
export const laserRoomDesign = (name: string) => ({
  schemaVersion: 1,
  name,
  resourceTypes: [{ key: 'room', label: 'Room', usage: 'tdm' }],
  resources: [{ key: 'room-a', label: 'Room A', type: 'room', capacity: 1 }],
  services: [
    {
      key: 'laser',
      label: 'Laser',
      kind: 'manual',
      routeTo: 'nurse',
      manualStart: true,
      expectedDuration: 'PT30M',
      resourceRequirements: [{ resourceType: 'room', quantity: 1 }],
    },
  ],
  roles: [{ key: 'nurse', label: 'Nurse', services: ['laser'] }],
  operators: [
    { key: 'amy', label: 'Amy', username: 'amy', roles: ['nurse'], staff: true },
    { key: 'bob', label: 'Bob', username: 'bob', roles: ['nurse'], staff: true },
  ],
});
