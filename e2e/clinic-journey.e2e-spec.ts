/**
 * The whole clinic journey through the UI only: 小方 registers a new customer and starts 客户服务 from the
 * new-entity page; every task is then worked from My tasks (or claimed from the Pool by 陈医生) on its task page —
 * completed, or, for 面诊评估, suspended with a reason (which requests 皮肤检查) — until 客户服务 is TERMINATED.
 * The REST API is only read, to know which row is the next task and to check the outcome.
 */
import { describe, expect, it } from 'vitest';
import { STAFF, uniqueLabel, type Journey, type StaffName } from './support/api';
import { screenshot, type OperatorSession } from './support/browser';
import { useE2E } from './support/suite';
import { completeTask, openTaskFromRow, suspendTask, taskRow, until, waitLive } from './support/ui';

const e2e = useE2E();

type Step = { service: string; label: string; who: StaffName; from: 'mine' | 'pool'; action: 'complete' | 'suspend' };

const STEPS: Step[] = [
  { service: 'xin_yu_yue', label: '新预约', who: 'fang', from: 'mine', action: 'complete' },
  { service: 'dao_zhen_ti_xing', label: '到诊提醒', who: 'fang', from: 'mine', action: 'complete' },
  { service: 'dao_zhen_que_ren', label: '到诊确认', who: 'fang', from: 'mine', action: 'complete' },
  { service: 'wei_hu_ke_hu_dang_an', label: '维护客户档案', who: 'fang', from: 'mine', action: 'complete' },
  { service: 'jian_kang_diao_cha', label: '健康调查', who: 'fang', from: 'mine', action: 'complete' },
  { service: 'mian_zhen_ping_gu', label: '面诊评估', who: 'chen', from: 'pool', action: 'suspend' },
  { service: 'pi_fu_jian_cha', label: '皮肤检查', who: 'fang', from: 'mine', action: 'complete' },
  { service: 'zhen_duan_ji_chu_li', label: '诊断及处理', who: 'chen', from: 'pool', action: 'complete' },
  { service: 'jiao_fei', label: '交费', who: 'fang', from: 'mine', action: 'complete' },
  { service: 'zhi_liao_fu_wu', label: '治疗服务', who: 'fang', from: 'mine', action: 'complete' },
];

describe('clinic journey through the UI', () => {
  it('客户服务 from a new customer to TERMINATED, every task worked in the browser', async () => {
    const { clinic } = e2e;
    const label = uniqueLabel('客户-journey');
    const sessions: Partial<Record<StaffName, OperatorSession>> = {
      fang: await e2e.login('fang'),
      chen: await e2e.login('chen'),
    };
    const fang = sessions.fang!.page;

    // New customer + entry point.
    await fang.goto('/entity/?type=Operator&new=1');
    await fang.getByTestId('entity-label-input').fill(label);
    await fang.getByTestId('start-ke_hu_fu_wu').click();
    let journey: Journey | null = null;
    await until(async () => (journey = await clinic.findJourney(label)) !== null, true);
    const { root, entity } = journey!;
    expect(root.state).toBe('RUNNING');
    await screenshot(fang, 'journey-started');

    for (const step of STEPS) {
      const task = await clinic.openTask(journey!, step.service);
      const { page } = sessions[step.who]!;
      if (step.from === 'pool') {
        await page.getByTestId('nav-pool').click();
        await taskRow(page, 'list-pool', task.pid).waitFor({ state: 'visible' });
        await page.getByTestId(`claim-${task.pid}`).click();
        await until(async () => (await clinic.process(task.pid)).assignee, STAFF[step.who]);
        await until(() => taskRow(page, 'list-pool', task.pid).count(), 0);
      }
      await page.getByTestId('nav-mine').click();
      await waitLive(page);
      await openTaskFromRow(page, taskRow(page, 'list-mine', task.pid), task.pid);
      expect(await page.getByTestId('task-title').innerText()).toContain(step.label);
      if (step.service === 'xin_yu_yue') await page.getByLabel('姓名', { exact: true }).fill(label);
      if (step.action === 'suspend') {
        await suspendTask(page, 'request service: skin examination needed');
        await clinic.waitForState(task.pid, 'SUSPENDED');
        await page.locator('[data-testid="task-page"][data-state="SUSPENDED"]').waitFor();
      } else {
        await completeTask(page);
        await clinic.waitForState(task.pid, 'TERMINATED');
      }
    }

    await clinic.waitForState(root.pid, 'TERMINATED');
    const booking = (await clinic.entityTasks(entity)).done.find((t) => t.service === 'xin_yu_yue')!;
    expect(booking.formData).toMatchObject({ xing_ming: label });

    // The customer's page: 客户服务 in the done group.
    await fang.goto(`/entity/?type=${encodeURIComponent(entity.type)}&id=${encodeURIComponent(entity.id)}`);
    await fang.getByTestId('entity-page').waitFor();
    const doneRow = taskRow(fang, 'entity-group-done', root.pid);
    await doneRow.waitFor({ state: 'visible' });
    expect(await doneRow.getAttribute('data-state')).toBe('TERMINATED');
    expect(await doneRow.getAttribute('data-service')).toBe('ke_hu_fu_wu');
    expect(await fang.locator('[data-testid="entity-group-running"] [data-testid="task-row"]').count()).toBe(0);
    await fang.getByTestId('timeline-item').first().waitFor({ state: 'attached' }); // loaded after the groups
    await screenshot(fang, 'journey-entity-done');

    // The process page of the journey's root.
    await fang.goto(`/process/?pid=${root.pid}`);
    await fang.locator(`[data-testid="process-page"][data-state="TERMINATED"]`).waitFor();
    expect(await fang.getByTestId('process-state').innerText()).toMatch(/done|terminated|已终止|终止|完成|结束/i);
    await fang.getByTestId('child-link').first().waitFor({ state: 'visible' });
    await fang.getByTestId('audit-item').first().waitFor({ state: 'attached' });
    await screenshot(fang, 'journey-process-terminated');
  });
});
