import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../src/journey/api-client';
import { runClinicJourney } from '../src/journey/clinic-journey';
import { startTestApp, TEST_ADMIN_PASSWORD, type TestApp } from './utils/test-app';

/** The main acceptance: the erpsys clinic design, imported as it is, runs end to end on PostgreSQL. */
describe('clinic journey through the REST API (real PostgreSQL)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('imports backup.json and runs 客户服务 to TERMINATED with call/return, the suspend, inheritance and snapshots', async () => {
    const lines: string[] = [];
    const { rootPid, steps } = await runClinicJourney(t.url, TEST_ADMIN_PASSWORD, (l) => lines.push(l));
    expect(lines.length).toBeGreaterThan(10);

    const completed = steps.filter((s) => s.action === 'complete').map((s) => s.label);
    expect(completed).toEqual([
      '新预约',
      '到诊提醒',
      '到诊确认',
      '维护客户档案',
      '健康调查',
      '皮肤检查',
      '诊断及处理',
      '交费',
      '治疗服务',
    ]);
    expect(steps.find((s) => s.action === 'suspend')?.label).toBe('面诊评估');
    // Doctor's work was claimed from the pool by 陈医生.
    expect(steps.filter((s) => s.action === 'claim').map((s) => [s.operator, s.label])).toEqual(
      expect.arrayContaining([
        ['chen', '面诊评估'],
        ['chen', '诊断及处理'],
      ]),
    );

    const admin = await ApiClient.login(t.url, 'admin', TEST_ADMIN_PASSWORD);
    const root = await admin.get<{
      state: string;
      terminatedReason: string;
      children: { service: string; state: string }[];
    }>(`/v1/processes/${rootPid}`);
    expect(root).toMatchObject({ state: 'TERMINATED', terminatedReason: 'completed' });
    expect(root.children.map((c) => c.service)).toEqual([
      'xin_yu_yue',
      'dao_zhen_ti_xing',
      'ke_hu_jie_dai',
      'jie_zhen',
      'jiao_fei',
      'zhi_liao_fu_wu',
    ]);

    // 客户接待 and 接诊 are program instances called by 客户服务 and returned to it.
    const list = await admin.get<{
      items: {
        pid: number;
        service: string;
        callerPid: number | null;
        parentPid: number | null;
        state: string;
        terminatedReason: string | null;
      }[];
    }>(`/v1/processes?pageSize=200&state=TERMINATED`);
    const mine = list.items.filter((p) => p.pid >= rootPid);
    const reception = mine.find((p) => p.service === 'ke_hu_jie_dai')!;
    const intake = mine.find((p) => p.service === 'jie_zhen')!;
    expect(reception).toMatchObject({ callerPid: rootPid, parentPid: rootPid, terminatedReason: 'completed' });
    expect(intake).toMatchObject({ callerPid: rootPid, parentPid: rootPid, terminatedReason: 'completed' });
    const skin = mine.find((p) => p.service === 'pi_fu_jian_cha')!;
    expect(skin).toMatchObject({ parentPid: intake.pid, callerPid: intake.pid });
    // The suspended consultation was closed when 接诊 returned.
    expect(mine.find((p) => p.service === 'mian_zhen_ping_gu')).toMatchObject({ terminatedReason: 'cancelled' });

    // Audit trail of the root: created, admitted, started, waited/woken around each call, completed.
    const events = await admin.get<{ action: string; toState: string | null; cause: Record<string, unknown> }[]>(
      `/v1/processes/${rootPid}/events`,
    );
    const transitions = events.filter((e) => !e.action.startsWith('rule')).map((e) => e.action);
    expect(transitions).toEqual(['created', 'admit', 'start', 'wait', 'wake', 'wait', 'wake', 'complete']);
    expect(events.find((e) => e.action === 'rule.fired')?.cause).toMatchObject({ rule: 'xin_jian_ke_hu_fu_wu' });

    // Snapshots: versioned, hashed, and a step inherits its program instance's variables.
    const snaps = await admin.get<
      {
        version: number;
        hash: string;
        content: { stack: number[]; inherited: Record<string, unknown>; firedRules: unknown[] };
      }[]
    >(`/v1/processes/${skin.pid}/snapshots`);
    expect(snaps.length).toBeGreaterThan(0);
    expect(snaps.map((s) => s.version)).toEqual(snaps.map((_, i) => i + 1));
    expect(new Set(snaps.map((s) => s.hash)).size).toBe(snaps.length);
    const last = snaps[snaps.length - 1]!.content;
    expect(last.stack).toEqual([rootPid, intake.pid, skin.pid]);
    expect(last.inherited).toHaveProperty('return_value'); // 客户接待's return value, passed down through 客户服务 and 接诊
  });
});
