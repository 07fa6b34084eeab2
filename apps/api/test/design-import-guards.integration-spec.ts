import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupClinic } from './utils/clinic';
import { problem } from './utils/problem';
import { startTestApp, type TestApp } from './utils/test-app';

type ImportAnswer = {
  version: number;
  created: boolean;
  dryRun: boolean;
  changes: Record<string, { added: string[]; changed: string[]; removed: string[] }>;
  refusals: { field: string; message: string }[];
};

/** Issue "Trust" §6: an import that would strand running journeys is refused unless forced; every import can be dry-run. */
describe('design import guards and dry runs (real PostgreSQL)', () => {
  let t: TestApp;
  let c: Awaited<ReturnType<typeof setupClinic>>;

  beforeAll(async () => {
    t = await startTestApp();
    c = await setupClinic(t.url);
    await c.fang.client.post('/v1/processes', { service: 'ke_hu_fu_wu', entity: { type: 'Operator', label: '守护' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('an empty erpsys-flat rule set is refused with 422 naming rules and the running entry point', async () => {
    const before = await c.admin.get<{ version: number; rules: unknown[] }>('/v1/designs/current');
    const refused = await problem(c.admin.post('/v1/designs?format=erpsys-flat', []));
    expect(refused.status).toBe(422);
    expect(refused.problem.errors?.map((e) => e.field).sort()).toEqual(['rules', 'services']);
    expect(refused.problem.errors?.find((e) => e.field === 'services')?.message).toContain('ke_hu_fu_wu');
    const after = await c.admin.get<{ version: number; rules: unknown[] }>('/v1/designs/current');
    expect(after.version).toBe(before.version);
    expect(after.rules.length).toBe(before.rules.length);
  });

  it('a dry run stores nothing and says what the import would add, change and remove', async () => {
    const before = await c.admin.get<{ version: number; rules: { key: string }[] }>('/v1/designs/current');
    const dry = await c.admin.post<ImportAnswer>('/v1/designs?format=erpsys-flat&dryRun=true', []);
    expect(dry).toMatchObject({ created: false, dryRun: true, version: before.version });
    expect(dry.changes.rules!.removed.sort()).toEqual(before.rules.map((r) => r.key).sort());
    expect(dry.refusals.map((r) => r.field).sort()).toEqual(['rules', 'services']);
    expect((await c.admin.get<{ version: number }>('/v1/designs/current')).version).toBe(before.version);
    // A harmless change, dry-run: one changed service, nothing refused.
    const current = await c.admin.get<{ name: string; services: { key: string; label: string }[] }>(
      '/v1/designs/current',
    );
    const service = current.services.find((s) => s.key === 'xin_yu_yue')!;
    const native = await c.admin.post<ImportAnswer>('/v1/designs?format=native&dryRun=true', {
      schemaVersion: 1,
      name: current.name,
      services: [{ ...service, label: '新预约（改）' }],
    });
    expect(native.refusals).toEqual([]);
    expect(native.changes.services?.changed).toEqual(['xin_yu_yue']);
  });

  it('force=true stores the import anyway', async () => {
    const before = await c.admin.get<{ version: number }>('/v1/designs/current');
    const forced = await c.admin.post<ImportAnswer>('/v1/designs?format=erpsys-flat&force=true', []);
    expect(forced.created).toBe(true);
    expect(forced.version).toBe(before.version + 1);
    expect((await c.admin.get<{ rules: unknown[] }>('/v1/designs/current')).rules).toEqual([]);
    expect((await problem(c.admin.post('/v1/designs?format=erpsys-flat&force=maybe', []))).status).toBe(422);
  });
});
