import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../src/journey/api-client';
import type { ProcessDto } from './utils/clinic';
import { startTestApp, TEST_ADMIN_PASSWORD, type TestApp } from './utils/test-app';

/** A program whose instance fans out two parallel items and, once both are done, starts a wrap-up and returns. */
const design = {
  schemaVersion: 1,
  name: 'join race',
  services: [
    { key: 'entry', label: 'Entry', kind: 'program', manualStart: true },
    { key: 'batch', label: 'Batch', kind: 'manual' },
    { key: 'item', label: 'Item', kind: 'manual' },
    { key: 'wrap_up', label: 'Wrap up', kind: 'manual' },
  ],
  events: [
    { key: 'new', label: 'new', expression: 'state = "NEW"' },
    { key: 'done', label: 'done', expression: 'state = "TERMINATED"' },
    { key: 'joined', label: 'joined', expression: 'parallel_completed = true' },
  ],
  instructions: [
    { key: 'fan', label: 'fan', sysCall: 'start_parallel_service' },
    { key: 'start', label: 'start', sysCall: 'start_service' },
    { key: 'ret', label: 'ret', sysCall: 'calling_return' },
  ],
  rules: [
    {
      key: 'open',
      label: 'open',
      program: 'entry',
      order: 1,
      subject: 'batch',
      event: 'new',
      instruction: 'fan',
      operand: 'item',
      parameterValues: { threads: 2 },
    },
    {
      key: 'join',
      label: 'join',
      program: 'batch',
      order: 1,
      subject: 'batch',
      event: 'joined',
      instruction: 'start',
      operand: 'wrap_up',
    },
    { key: 'end', label: 'end', program: 'batch', order: 2, subject: 'wrap_up', event: 'done', instruction: 'ret' },
  ],
  roles: [{ key: 'worker', label: 'Worker', services: ['batch', 'item', 'wrap_up'] }],
  operators: [{ key: 'w1', label: 'Worker 1', username: 'w1', roles: ['worker'], staff: true }],
};

describe('parallel join under concurrent completions (real PostgreSQL)', () => {
  let t: TestApp;
  let w1: ApiClient;
  beforeAll(async () => {
    t = await startTestApp();
    const admin = await ApiClient.login(t.url, 'admin', TEST_ADMIN_PASSWORD);
    await admin.post('/v1/designs?format=native', design);
    await admin.put('/v1/operators/w1/password', { password: 'worker-password-1' });
    w1 = await ApiClient.login(t.url, 'w1', 'worker-password-1');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('both members completed at the same moment: the join fires exactly once, every time', async () => {
    for (let round = 0; round < 6; round++) {
      const batch = await w1.post<ProcessDto>('/v1/processes', {
        service: 'batch',
        entity: { type: 'Job', label: `job ${round}` },
      });
      const items = batch.cascade.filter((c) => c.service === 'item');
      expect(items).toHaveLength(2);
      await Promise.all(items.map((i) => w1.post(`/v1/processes/${i.pid}/complete`, { form: {} })));
      const list = await w1.get<{ items: ProcessDto[] }>(
        `/v1/processes?entityType=Job&entityId=${batch.entity!.id}&pageSize=50`,
      );
      expect(
        list.items.filter((p) => p.service === 'wrap_up'),
        `round ${round}`,
      ).toHaveLength(1);
      const parent = list.items.find((p) => p.pid === batch.pid)!;
      expect(parent.state).toBe('RUNNING');
    }
  });
});
