import { describe, expect, it } from 'vitest';
import { frameHash } from '../src';
import { harness } from './harness';

const entity = { type: 'Operator', id: 'zhang_san' };

describe('the clinic journey (nested programs, reference §3.7 / §8.5)', () => {
  it('runs 客户服务 end to end with call/return, the suspend on 面诊评估, inheritance and frames', async () => {
    const { kernel, exec, live, ops, store } = harness();
    const started = await exec(
      kernel.startProcess({ service: 'ke_hu_fu_wu', designVersion: 1, entity, actor: ops.fang! }),
    );
    const root = started.result;
    expect(root.kind).toBe('program');
    expect(root.program).toBe('biao_zhun_fu_wu_cheng_xu');
    expect(root.state).toBe('RUNNING');

    // r59: 新预约 is the first step inside 客户服务, assigned to the journey starter (客服).
    const booking = live('xin_yu_yue');
    expect(booking).toMatchObject({
      parentPid: root.pid,
      previousPid: root.pid,
      program: 'ke_hu_fu_wu',
      state: 'READY',
      assignee: 'xiao_fang',
    });

    await exec(kernel.complete(booking.pid, ops.fang!, { confirmed: true }));
    const reminder = live('dao_zhen_ti_xing');
    expect(reminder).toMatchObject({ parentPid: root.pid, previousPid: booking.pid });

    // r61: call 客户接待 — the journey waits; r67 starts 到诊确认 inside 客户接待.
    await exec(kernel.complete(reminder.pid, ops.fang!));
    const reception = live('ke_hu_jie_dai');
    expect(reception).toMatchObject({
      kind: 'program',
      parentPid: root.pid,
      callerPid: root.pid,
      program: 'ke_hu_fu_wu',
      state: 'RUNNING',
    });
    expect(store.pcbs.get(root.pid)!.state).toBe('WAITING');
    const checkIn = live('dao_zhen_que_ren');
    expect(checkIn).toMatchObject({ parentPid: reception.pid, program: 'ke_hu_jie_dai' });

    await exec(kernel.complete(checkIn.pid, ops.fang!));
    await exec(kernel.complete(live('wei_hu_ke_hu_dang_an').pid, ops.fang!, { phone: '555' }));
    const survey = live('jian_kang_diao_cha');
    expect(survey.assignee).toBe('xiao_fang'); // fang holds 护士 too

    // r70 calling_return ends 客户接待; the journey wakes, then r62 calls 接诊 and waits again.
    await exec(kernel.complete(survey.pid, ops.fang!));
    expect(store.pcbs.get(reception.pid)).toMatchObject({ state: 'TERMINATED', terminatedReason: 'completed' });
    const intake = live('jie_zhen');
    expect(intake).toMatchObject({ parentPid: root.pid, callerPid: root.pid, previousPid: reception.pid });
    expect(store.pcbs.get(root.pid)!.state).toBe('WAITING');
    const rootFrame = store.frames.get(root.pid)!;
    expect(rootFrame.localVars['return_value']).toMatchObject({ wei_hu_ke_hu_dang_an: { phone: '555' } });

    // r71: 面诊评估 goes to the doctors' pool (the starter holds no doctor role).
    const consult = live('mian_zhen_ping_gu');
    expect(consult).toMatchObject({ assignee: null, candidateRoles: expect.arrayContaining(['yi_sheng']) });
    await exec(kernel.claim(consult.pid, ops.chen!));
    await exec(kernel.start(consult.pid, ops.chen!));

    // r72: "request service" — suspending 面诊评估 calls 皮肤检查; 接诊 waits for it.
    await exec(kernel.suspend(consult.pid, ops.chen!, 'needs a skin exam'));
    const skin = live('pi_fu_jian_cha');
    expect(skin).toMatchObject({
      parentPid: intake.pid,
      callerPid: intake.pid,
      program: 'jie_zhen',
      assignee: 'xiao_fang',
    });
    expect(store.pcbs.get(intake.pid)!.state).toBe('WAITING');

    // 皮肤检查 returns by completing; r73 starts 诊断及处理.
    await exec(kernel.complete(skin.pid, ops.fang!));
    expect(store.pcbs.get(intake.pid)!.state).toBe('RUNNING');
    const diagnosis = live('zhen_duan_ji_chu_li');
    await exec(kernel.complete(diagnosis.pid, ops.chen!));

    // r74 ends 接诊 and closes the suspended consultation; r63 starts 交费 in 客户服务.
    expect(store.pcbs.get(intake.pid)).toMatchObject({ state: 'TERMINATED', terminatedReason: 'completed' });
    expect(store.pcbs.get(consult.pid)).toMatchObject({ state: 'TERMINATED', terminatedReason: 'cancelled' });
    const payment = live('jiao_fei');
    expect(payment).toMatchObject({ parentPid: root.pid, previousPid: intake.pid });
    await exec(kernel.complete(payment.pid, ops.fang!, { amount: 100 }));
    await exec(kernel.complete(live('zhi_liao_fu_wu').pid, ops.fang!));

    expect(store.pcbs.get(root.pid)).toMatchObject({ state: 'TERMINATED', terminatedReason: 'completed' });
    expect([...store.pcbs.values()].every((p) => p.state === 'TERMINATED')).toBe(true);
    const order = [...store.pcbs.values()].sort((a, b) => a.pid - b.pid).map((p) => p.service);
    expect(order).toEqual([
      'ke_hu_fu_wu',
      'xin_yu_yue',
      'dao_zhen_ti_xing',
      'ke_hu_jie_dai',
      'dao_zhen_que_ren',
      'wei_hu_ke_hu_dang_an',
      'jian_kang_diao_cha',
      'jie_zhen',
      'mian_zhen_ping_gu',
      'pi_fu_jian_cha',
      'zhen_duan_ji_chu_li',
      'jiao_fei',
      'zhi_liao_fu_wu',
    ]);

    // Frames: the stack is the call path; a step inherits its program instance's variables (not the grandparent's only).
    const skinFrame = store.frames.get(skin.pid)!;
    expect(skinFrame.stack).toEqual([root.pid, intake.pid, skin.pid]);
    expect(skinFrame.inherited['return_value']).toBeDefined(); // 接诊 inherited 客户服务's return_value from 客户接待
    expect(store.frames.get(root.pid)!.firedRules.map((r) => r.rule)).toEqual(['r59']);
    expect(frameHash(skinFrame)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses to complete a completed task and changes nothing', async () => {
    const { kernel, exec, live, ops, store } = harness();
    await exec(kernel.startProcess({ service: 'ke_hu_fu_wu', designVersion: 1, entity, actor: ops.fang! }));
    const booking = live('xin_yu_yue');
    await exec(kernel.complete(booking.pid, ops.fang!));
    const before = store.pcbs.size;
    await expect(kernel.complete(booking.pid, ops.fang!)).rejects.toMatchObject({ code: 'ILLEGAL_TRANSITION' });
    expect(store.pcbs.size).toBe(before);
    expect(store.byService('dao_zhen_ti_xing')).toHaveLength(1);
  });

  it('lets exactly one of two concurrent claims win (optimistic versions)', async () => {
    const { kernel, exec, live, ops, store } = harness();
    await exec(kernel.startProcess({ service: 'ke_hu_fu_wu', designVersion: 1, entity, actor: ops.manager! }));
    // manager is admin with every role: the step is his; unclaim it back to the pool first.
    const booking = live('xin_yu_yue');
    await exec(kernel.unclaim(booking.pid, ops.manager!));
    const [a, b] = await Promise.all([kernel.claim(booking.pid, ops.fang!), kernel.claim(booking.pid, ops.jiang!)]);
    store.commit(a);
    expect(() => store.commit(b)).toThrow(/concurrently/);
    expect(store.pcbs.get(booking.pid)!.assignee).toBe('xiao_fang');
    await expect(kernel.claim(booking.pid, ops.jiang!)).rejects.toMatchObject({ code: 'ALREADY_CLAIMED' });
  });

  it('checks roles: a doctor may not start the journey or work a reception task', async () => {
    const { kernel, exec, live, ops } = harness();
    await expect(
      kernel.startProcess({ service: 'ke_hu_fu_wu', designVersion: 1, entity, actor: ops.chen! }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await exec(kernel.startProcess({ service: 'ke_hu_fu_wu', designVersion: 1, entity, actor: ops.fang! }));
    await expect(kernel.complete(live('xin_yu_yue').pid, ops.chen!)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(kernel.complete(live('xin_yu_yue').pid, ops.jiang!)).rejects.toMatchObject({ code: 'NOT_ASSIGNEE' });
  });

  it('suspend/resume returns to the state held before; cancel cascades and fires no completion rules', async () => {
    const { kernel, exec, live, ops, store } = harness();
    const { result: root } = await exec(
      kernel.startProcess({ service: 'ke_hu_fu_wu', designVersion: 1, entity, actor: ops.fang! }),
    );
    const booking = live('xin_yu_yue');
    await exec(kernel.start(booking.pid, ops.fang!));
    await exec(kernel.suspend(booking.pid, ops.fang!, 'customer on hold'));
    expect(store.pcbs.get(booking.pid)).toMatchObject({
      state: 'SUSPENDED',
      resumeState: 'RUNNING',
      suspendReason: 'customer on hold',
    });
    await exec(kernel.resume(booking.pid, ops.fang!));
    expect(store.pcbs.get(booking.pid)!.state).toBe('RUNNING');
    // Only an admin or the operator who started the journey (roles allowing it) may cancel it.
    await expect(kernel.cancel(root.pid, ops.chen!, 'x')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await exec(kernel.cancel(root.pid, ops.fang!, 'customer left'));
    expect(store.pcbs.get(booking.pid)).toMatchObject({ state: 'TERMINATED', terminatedReason: 'cancelled' });
    expect(store.byService('dao_zhen_ti_xing')).toHaveLength(0);
    const audit = store.audit.filter((a) => a.pid === booking.pid).map((a) => a.action);
    expect(audit).toEqual(['created', 'admit', 'start', 'suspend', 'resume', 'cancel']);
  });
});

describe('incidents and entry points', () => {
  it('cancelling a called step puts the waiting program instance in ERROR instead of stalling it', async () => {
    const { kernel, exec, live, ops, store } = harness();
    await exec(kernel.startProcess({ service: 'ke_hu_fu_wu', designVersion: 1, entity, actor: ops.fang! }));
    for (const s of [
      'xin_yu_yue',
      'dao_zhen_ti_xing',
      'dao_zhen_que_ren',
      'wei_hu_ke_hu_dang_an',
      'jian_kang_diao_cha',
    ]) {
      await exec(kernel.complete(live(s).pid, ops.fang!));
    }
    const consult = live('mian_zhen_ping_gu');
    await exec(kernel.claim(consult.pid, ops.chen!));
    await exec(kernel.suspend(consult.pid, ops.chen!, 'skin exam'));
    const intake = live('jie_zhen');
    expect(intake.state).toBe('WAITING');
    await exec(kernel.cancel(live('pi_fu_jian_cha').pid, ops.fang!, 'customer refused'));
    expect(store.pcbs.get(intake.pid)).toMatchObject({ state: 'ERROR', resumeState: 'WAITING' });
    expect(store.frames.get(intake.pid)!.errorInfo?.message).toMatch(/pi_fu_jian_cha.*cancelled/);
  });

  it('only admins may start a service that is not an entry point', async () => {
    const { kernel, exec, ops } = harness();
    await expect(
      kernel.startProcess({ service: 'xin_yu_yue', designVersion: 1, entity, actor: ops.fang! }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const { result } = await exec(
      kernel.startProcess({ service: 'xin_yu_yue', designVersion: 1, entity, actor: ops.manager! }),
    );
    expect(result).toMatchObject({ service: 'xin_yu_yue', program: null, state: 'READY' });
  });
});
