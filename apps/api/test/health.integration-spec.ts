import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { withAdminClient } from './utils/pg-admin';
import { startTestApp, type TestApp } from './utils/test-app';

describe('health', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('is public and reports the database and queue backend', async () => {
    const response = await t.request('GET', '/health');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: 'ok',
      database: 'up',
      queue: process.env.REDIS_URL ? 'redis' : 'postgres',
    });
  });

  it('answers 503 problem+json when the database is gone', async () => {
    const doomed = await startTestApp();
    try {
      await withAdminClient(inject('databaseUrl'), (client) =>
        client.query(`DROP DATABASE ${doomed.db.name} WITH (FORCE)`),
      );
      const response = await doomed.request('GET', '/health');
      expect(response.status).toBe(503);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(await response.json()).toMatchObject({ status: 503, database: 'down' });
    } finally {
      await doomed.close();
    }
  });
});
