import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '@opkernel/migrations';
import { OUTBOX_RETENTION_HOURS, OutboxRelay } from '../src/infra/outbox/outbox-relay.service';
import { ApiClient } from '../src/journey/api-client';
import { startTestApp, TEST_ADMIN_PASSWORD, type TestApp } from './utils/test-app';

/** A small native design: one manual service per key. */
const design = (name: string, services: string[]) => ({
  schemaVersion: 1,
  name,
  services: services.map((key) => ({ key, label: key.toUpperCase(), kind: 'manual' })),
  events: [],
  instructions: [],
  rules: [],
});

describe('API hardening: pid range, YAML designs, concurrent imports, outbox retention, join indexes', () => {
  let t: TestApp;
  let admin: ApiClient;
  let db: DataSource;
  beforeAll(async () => {
    t = await startTestApp();
    admin = await ApiClient.login(t.url, 'admin', TEST_ADMIN_PASSWORD);
    db = t.app.get(DataSource);
  });
  afterAll(async () => {
    await t?.close();
  });

  const raw = (method: string, path: string, init: { body?: string; contentType?: string } = {}) =>
    fetch(`${t.url}/api${path}`, {
      method,
      headers: {
        authorization: `Bearer ${admin.accessToken}`,
        ...(init.contentType ? { 'content-type': init.contentType } : {}),
      },
      body: init.body,
    });

  it('pids must be safe positive integers: larger ones are a 422 problem naming pid, not a 500', async () => {
    for (const pid of ['9223372036854775808', '99999999999999999999', '9007199254740992', '0', '-1', '1.5', 'abc']) {
      for (const [method, path] of [
        ['GET', `/v1/processes/${pid}`],
        ['GET', `/v1/processes/${pid}/events`],
        ['POST', `/v1/processes/${pid}/claim`],
      ] as const) {
        const res = await raw(method, path);
        expect(res.status, `${method} ${path}`).toBe(422);
        const problem = (await res.json()) as { errors?: { field: string }[] };
        expect(problem.errors?.[0]?.field).toBe('pid');
      }
    }
    // The largest safe integer is accepted (and simply does not exist).
    expect((await raw('GET', `/v1/processes/${Number.MAX_SAFE_INTEGER}`)).status).toBe(404);
  });

  it('imports a native design sent as YAML text (application/yaml, text/yaml, text/plain)', async () => {
    const yaml = [
      'schemaVersion: 1',
      'name: yaml-clinic',
      'services:',
      '  - key: yaml_intake',
      '    label: 接待',
      '    kind: manual',
      'events: []',
      'instructions: []',
      'rules: []',
      '',
    ].join('\n');
    const res = await raw('POST', '/v1/designs?format=native', { body: yaml, contentType: 'application/yaml' });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ created: true, counts: { services: 1 } });
    const current = await admin.get<{ name: string; services: { key: string; label: string }[] }>(
      '/v1/designs/current',
    );
    expect(current.services).toContainEqual(expect.objectContaining({ key: 'yaml_intake', label: '接待' }));
    for (const contentType of ['text/yaml', 'text/plain; charset=utf-8', 'application/x-yaml']) {
      const again = await raw('POST', '/v1/designs?format=native', { body: yaml, contentType });
      expect(again.status, contentType).toBe(201);
      expect(await again.json()).toMatchObject({ created: false });
    }
    const broken = await raw('POST', '/v1/designs?format=native', {
      body: 'services: [unclosed',
      contentType: 'application/yaml',
    });
    expect(broken.status).toBe(422);
  });

  it('concurrent design imports are serialized: none is lost, each builds on the previous version', async () => {
    await admin.post('/v1/designs?format=native', design('base', ['base_service']));
    const keys = ['svc_a', 'svc_b', 'svc_c', 'svc_d', 'svc_e'];
    const results = await Promise.all(
      keys.map((k) =>
        admin.post<{ version: number; created: boolean }>('/v1/designs?format=native', design('base', [k])),
      ),
    );
    expect(results.every((r) => r.created)).toBe(true);
    expect(new Set(results.map((r) => r.version)).size).toBe(keys.length);
    const current = await admin.get<{ version: number; services: { key: string }[] }>('/v1/designs/current');
    expect(current.version).toBe(Math.max(...results.map((r) => r.version)));
    const services = current.services.map((s) => s.key);
    for (const k of ['base_service', ...keys]) expect(services).toContain(k);
  });

  it('deletes outbox rows dispatched more than 24 hours ago, and nothing else', async () => {
    const insert = (topic: string, dispatchedHoursAgo: number | null, createdHoursAgo: number) =>
      db.query<{ id: string }[]>(
        `INSERT INTO outbox (topic, payload, created_at, dispatched_at)
         VALUES ($1, '{}', now() - make_interval(hours => $3::int),
                 CASE WHEN $2::int IS NULL THEN NULL ELSE now() - make_interval(hours => $2::int) END)
         RETURNING id`,
        [topic, dispatchedHoursAgo, createdHoursAgo],
      );
    const [old] = await insert('test.retention', OUTBOX_RETENTION_HOURS + 1, 30);
    const [recent] = await insert('test.retention', 1, 30);
    const [pending] = await insert('test.retention', null, 48); // never delivered (no handler): kept
    const deleted = await t.app.get(OutboxRelay).purgeDispatched();
    expect(deleted).toBeGreaterThanOrEqual(1);
    const left = (
      await db.query<{ id: string }[]>(`SELECT id FROM outbox WHERE topic = 'test.retention' ORDER BY id`)
    ).map((r) => r.id);
    expect(left).toEqual([recent!.id, pending!.id]);
    expect(left).not.toContain(old!.id);
  });

  it('has the join indexes, used by the kernel store queries; their migration is reversible', async () => {
    const indexes = async () =>
      (
        await db.query<{ indexname: string; indexdef: string }[]>(
          `SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'processes' ORDER BY indexname`,
        )
      ).map((r) => r.indexname);
    expect(await indexes()).toEqual(
      expect.arrayContaining(['processes_caller_pid_idx', 'processes_join_caller_pid_idx']),
    );
    const plan = async (sql: string) => {
      const runner = db.createQueryRunner();
      await runner.connect();
      try {
        await runner.query('SET enable_seqscan = off');
        return JSON.stringify(await runner.query(`EXPLAIN ${sql}`));
      } finally {
        await runner.query('RESET enable_seqscan');
        await runner.release();
      }
    };
    expect(await plan(`SELECT * FROM processes WHERE caller_pid = 1`)).toContain('processes_caller_pid_idx');
    expect(await plan(`SELECT * FROM processes WHERE (join_info->>'callerPid')::bigint = 1`)).toContain(
      'processes_join_caller_pid_idx',
    );
    const JoinIndexes = MIGRATIONS.find((m) => m.name.startsWith('JoinIndexes'))!;
    const runner = db.createQueryRunner();
    await runner.connect();
    try {
      await new JoinIndexes().down(runner);
      expect(await indexes()).not.toContain('processes_caller_pid_idx');
      expect(await indexes()).not.toContain('processes_join_caller_pid_idx');
      await new JoinIndexes().up(runner);
      expect(await indexes()).toEqual(
        expect.arrayContaining(['processes_caller_pid_idx', 'processes_join_caller_pid_idx']),
      );
    } finally {
      await runner.release();
    }
  });
});
