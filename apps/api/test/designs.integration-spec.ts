import { Client } from 'pg';
import { expectEventually } from './utils/expect-eventually';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiProblem } from '../src/journey/api-client';
import { readFixture, setupClinic, type ProcessDto } from './utils/clinic';
import { startTestApp, type TestApp } from './utils/test-app';

describe('design import and versions (real PostgreSQL)', () => {
  let t: TestApp;
  let c: Awaited<ReturnType<typeof setupClinic>>;
  beforeAll(async () => {
    t = await startTestApp();
    c = await setupClinic(t.url);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('imports backup.json with its names, and importing it again changes nothing', async () => {
    expect(c.imported).toMatchObject({
      created: true,
      counts: { services: 39, rules: 16, events: 4, instructions: 5, roles: 6, operators: 12 },
    });
    const again = await c.admin.post<{ version: number; created: boolean }>(
      '/v1/designs?format=erpsys',
      readFixture('backup.json'),
    );
    expect(again).toEqual(expect.objectContaining({ version: c.imported.version, created: false }));
    const me = await c.admin.get<{ operator: { key: string; label: string } }>('/v1/me');
    expect(me.operator).toMatchObject({ key: 'Manager', label: '经理' });
    const entries = await c.fang.client.get<{ service: string; program: string }[]>(
      '/v1/entry-points?entityType=Operator',
    );
    expect(entries).toEqual([expect.objectContaining({ service: 'ke_hu_fu_wu', program: 'biao_zhun_fu_wu_cheng_xu' })]);
    expect(await c.chen.client.get<unknown[]>('/v1/entry-points?entityType=Operator')).toEqual([]);
  });

  it('a version stored before the model gained its scheduler sections reads with their defaults: re-importing it changes nothing', async () => {
    // Store the current design again as an older opkernel wrote it: no scheduler sections, no scheduler fields.
    const db = new Client({ connectionString: t.db.url });
    await db.connect();
    let legacy: number;
    try {
      const rows = await db.query<{ version: number }>(
        `INSERT INTO design_versions (name, hash, document, format, created_by)
         SELECT name, 'legacy-hash',
                (document - 'skills' - 'calendars' - 'slas' - 'scheduler')
                || jsonb_build_object(
                     'services', (SELECT jsonb_agg(s - 'skills' - 'capacityWeight' - 'expectedDuration' - 'sla')
                                  FROM jsonb_array_elements(document->'services') s),
                     'operators', (SELECT jsonb_agg(o - 'skills' - 'capacity' - 'calendar')
                                   FROM jsonb_array_elements(document->'operators') o),
                     'roles', (SELECT jsonb_agg(r - 'scheduler') FROM jsonb_array_elements(document->'roles') r)),
                format, created_by
         FROM design_versions WHERE version = $1 RETURNING version`,
        [c.imported.version],
      );
      legacy = rows.rows[0]!.version;
    } finally {
      await db.end();
    }
    const again = await c.admin.post<{ version: number; created: boolean; changes: Record<string, unknown> }>(
      '/v1/designs?format=erpsys',
      readFixture('backup.json'),
    );
    expect(again).toMatchObject({ version: legacy, created: false, changes: {} });
    // The stored copy is the newest version now: wait until the API's version cache says so, so that the tests
    // after this one see one current version throughout.
    await expectEventually(async () =>
      expect((await c.admin.get<{ version: number }>('/v1/designs/current')).version).toBe(legacy),
    );
  });

  it('rejects a design whose expression reaches host objects, naming the failing field, and keeps the current version', async () => {
    // The current version before (the legacy test above may have made its stored copy current).
    const before = (await c.admin.get<{ version: number }>('/v1/designs/current')).version;
    const doc = {
      schemaVersion: 1,
      name: 'evil',
      services: [{ key: 'a', label: 'A', kind: 'manual' }],
      events: [{ key: 'pwn', label: 'pwn', expression: 'form.constructor.constructor("return process")()' }],
      instructions: [],
      rules: [{ key: 'r', label: 'r', program: 'a', order: 1, subject: 'a', event: 'pwn' }],
    };
    let err: ApiProblem | null = null;
    try {
      await c.admin.post('/v1/designs?format=native', doc);
    } catch (e) {
      err = e as ApiProblem;
    }
    expect(err?.status).toBe(422);
    expect(err?.problem.errors?.some((e) => e.field === 'events[0].expression')).toBe(true);
    const erpsysRows = readFixture('backup.json').map((row) => {
      const r = row as { model: string; fields: Record<string, unknown> };
      return r.model === 'kernel.event' && r.fields['name'] === 'completed'
        ? { ...r, fields: { ...r.fields, expression: "__import__('os').system('id')" } }
        : r;
    });
    let err2: ApiProblem | null = null;
    try {
      await c.admin.post('/v1/designs?format=erpsys', erpsysRows);
    } catch (e) {
      err2 = e as ApiProblem;
    }
    expect(err2?.status).toBe(422);
    expect(JSON.stringify(err2?.problem)).toContain('completed');
    const current = await c.admin.get<{ version: number }>('/v1/designs/current');
    expect(current.version).toBe(before);
    expect(
      (await c.fang.client.post('/v1/designs?format=native', doc).catch((e: ApiProblem) => e)) as ApiProblem,
    ).toMatchObject({ status: 403 });
  });

  it('runs the flat business_define.json rule set in the order of reference §8.6, on a new design version', async () => {
    // A journey started on the nested version keeps that version after the flat import.
    const oldRoot = await c.fang.client.post<ProcessDto & { designVersion: number }>('/v1/processes', {
      service: 'ke_hu_fu_wu',
      entity: { type: 'Operator', label: '旧版本' },
    });
    const flat = await c.admin.post<{ version: number; created: boolean; counts: { rules: number } }>(
      '/v1/designs?format=erpsys-flat',
      readFixture('business_define.json'),
    );
    expect(flat).toMatchObject({ created: true, counts: { rules: 19 } });
    expect(flat.version).toBeGreaterThan(c.imported.version);

    const root = await c.fang.client.post<ProcessDto & { designVersion: number }>('/v1/processes', {
      service: 'ke_hu_fu_wu',
      entity: { type: 'Operator', label: '平面规则' },
    });
    expect(root.designVersion).toBe(flat.version);
    expect(root.kind).toBe('task'); // flat: 客户服务 owns no rules, so it is an ordinary task
    const entity = root.entity!.id;
    const open = async () => {
      const g = await c.admin.get<{ scheduled: ProcessDto[]; running: ProcessDto[] }>(
        `/v1/entities/Operator/${entity}/tasks`,
      );
      return [...g.scheduled, ...g.running];
    };
    const completeOldest = async (service: string) => {
      const task = (await open()).filter((p) => p.service === service).sort((a, b) => a.pid - b.pid)[0];
      expect(task, `an open ${service}`).toBeDefined();
      // The assignee works it; a pool task is claimed by a doctor, a reception/nurse member, or else the admin.
      let client = [c.fang, c.jiang, c.chen].find((s) => s.key === task!.assignee)?.client;
      if (!client) {
        const roles = task!.candidateRoles;
        client = roles.includes('yi_sheng')
          ? c.chen.client
          : roles.includes('ke_fu') || roles.includes('hu_shi')
            ? c.fang.client
            : c.admin;
        if (!task!.assignee) await client.post(`/v1/processes/${task!.pid}/claim`);
      }
      return client.post<ProcessDto>(`/v1/processes/${task!.pid}/complete`, { form: {} });
    };
    const services = async () => (await open()).map((p) => p.service).sort();
    // 1. 客户服务 (NEW) → 新预约
    expect(await services()).toEqual(['ke_hu_fu_wu', 'xin_yu_yue'].sort());
    await completeOldest('xin_yu_yue');
    await completeOldest('dao_zhen_ti_xing');
    // 2. 到诊提醒 → 客户接待, whose NEW rule immediately spawns 到诊确认
    expect(await services()).toEqual(['dao_zhen_que_ren', 'ke_hu_fu_wu', 'ke_hu_jie_dai'].sort());
    // 3. completing 客户接待 (the Log task) → 接诊, which spawns 面诊评估
    await completeOldest('ke_hu_jie_dai');
    expect(await services()).toEqual(['dao_zhen_que_ren', 'jie_zhen', 'ke_hu_fu_wu', 'mian_zhen_ping_gu'].sort());
    // 4. 到诊确认 → 维护客户档案 → 健康调查 (rule 48 is a no-op)
    await completeOldest('dao_zhen_que_ren');
    await completeOldest('wei_hu_ke_hu_dang_an');
    await completeOldest('jian_kang_diao_cha');
    // 5. 面诊评估 → 诊断及处理 (rule 46 is a no-op)
    await completeOldest('mian_zhen_ping_gu');
    await completeOldest('zhen_duan_ji_chu_li');
    expect(await services()).toEqual(['jie_zhen', 'ke_hu_fu_wu'].sort());
    // 6. 接诊 → 交费 → 治疗服务, whose NEW rule starts 启动治疗程序: created complete (no record model is fine)
    await completeOldest('jie_zhen');
    await completeOldest('jiao_fei');
    const all = await c.admin.get<{ items: (ProcessDto & { previousPid: number | null })[] }>(
      `/v1/processes?entityType=Operator&entityId=${entity}&pageSize=200`,
    );
    const start = all.items.find((p) => p.service === 'qi_dong_zhi_liao_cheng_xu');
    expect(start).toMatchObject({ kind: 'system', state: 'READY' });
    const treatment = all.items.find((p) => p.service === 'zhi_liao_fu_wu')!;
    expect(start!.previousPid).toBe(treatment.pid);
    const order = all.items.map((p) => p.service).reverse();
    expect(order).toEqual([
      'ke_hu_fu_wu',
      'xin_yu_yue',
      'dao_zhen_ti_xing',
      'ke_hu_jie_dai',
      'dao_zhen_que_ren',
      'jie_zhen',
      'mian_zhen_ping_gu',
      'wei_hu_ke_hu_dang_an',
      'jian_kang_diao_cha',
      'zhen_duan_ji_chu_li',
      'jiao_fei',
      'zhi_liao_fu_wu',
      'qi_dong_zhi_liao_cheng_xu',
    ]);
    const old = await c.admin.get<{ designVersion: number; kind: string }>(`/v1/processes/${oldRoot.pid}`);
    expect(old).toMatchObject({ designVersion: oldRoot.designVersion, kind: 'program' });
    expect(oldRoot.designVersion).toBeLessThan(flat.version);
  });
});
