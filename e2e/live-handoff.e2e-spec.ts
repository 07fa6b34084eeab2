/**
 * Live hand-off between two operators in two browser contexts: 陈医生 keeps the Pool page open while 小方
 * completes 健康调查 on its task page; the rule-started 面诊评估 lands in 陈医生's pool through socket.io,
 * without a reload.
 */
import { describe, expect, it } from 'vitest';
import { uniqueLabel } from './support/api';
import { screenshot } from './support/browser';
import { useE2E } from './support/suite';
import { completeTask, taskRow, waitLive, waitTaskPage } from './support/ui';

const e2e = useE2E();

describe('live hand-off', () => {
  it("a task 小方 completes starts the next one in 陈医生's open pool, without a reload", async () => {
    const { clinic } = e2e;
    const journey = await clinic.startJourney(uniqueLabel('客户-handoff'));
    const survey = await clinic.advanceTo(journey, 'jian_kang_diao_cha');
    expect(survey.assignee).toBe('xiao_fang');

    const chen = await e2e.login('chen');
    await chen.page.getByTestId('nav-pool').click();
    await chen.page.getByTestId('list-pool').waitFor();
    await waitLive(chen.page);
    // A marker that a reload or a full navigation would wipe; count main-frame navigations too.
    await chen.page.evaluate(() => {
      (globalThis as unknown as { __marker: number }).__marker = 1;
    });
    let navigations = 0;
    chen.page.on('framenavigated', (frame) => {
      if (frame === chen.page.mainFrame()) navigations++;
    });
    const requests: string[] = [];
    chen.page.on('request', (request) => {
      if (request.resourceType() === 'document') requests.push(request.url());
    });

    const fang = await e2e.login('fang');
    await fang.page.goto(`/task/?pid=${survey.pid}`);
    await waitTaskPage(fang.page, survey.pid);
    const clicked = Date.now();
    await completeTask(fang.page);
    await clinic.waitForState(survey.pid, 'TERMINATED');
    const assessment = await clinic.openTask(journey, 'mian_zhen_ping_gu');
    expect(assessment.assignee).toBeNull();
    expect(assessment.candidateRoles).toContain('yi_sheng');

    const row = taskRow(chen.page, 'list-pool', assessment.pid);
    await row.waitFor({ state: 'visible', timeout: 5_000 });
    const seenAfter = Date.now() - clicked;
    expect(await row.getAttribute('data-service')).toBe('mian_zhen_ping_gu');
    expect(await chen.page.getByTestId(`claim-${assessment.pid}`).isVisible()).toBe(true);
    expect(await chen.page.evaluate(() => (globalThis as unknown as { __marker?: number }).__marker)).toBe(1);
    expect(navigations).toBe(0);
    expect(requests).toEqual([]);
    expect(seenAfter).toBeLessThan(5_000);
    console.log(`live hand-off: 面诊评估 #${assessment.pid} in 陈医生's pool ${seenAfter} ms after 小方's click`);
    await screenshot(chen.page, 'live-handoff-chen-pool');
    await screenshot(fang.page, 'live-handoff-fang-task');
  });
});
