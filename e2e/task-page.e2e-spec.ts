/**
 * The task page as the clinic's nurse and doctor work it: drafts kept on the server (reload, suspension), one
 * primary action and Complete at the end of the form on a phone, operator and service fields as pickers of
 * names, prefill from the customer's earlier forms (never over a draft) with the earlier steps beside the form,
 * validation messages in Chinese for a Chinese interface, the suspended "request service" step told when its
 * request is done (then resumed), and the notice when a task is transferred away while open.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { STAFF, uniqueLabel, type Journey } from './support/api';
import { screenshot } from './support/browser';
import { useE2E } from './support/suite';
import { startIfNeeded, until, waitLive, waitTaskPage } from './support/ui';

const e2e = useE2E();

const field = (page: Page, title: string) => page.getByLabel(title, { exact: true });

/** Waits for the next successful draft save of task `pid` (the autosave after typing). */
const draftSaved = (page: Page, pid: number) =>
  page.waitForResponse((r) => r.url().endsWith(`/processes/${pid}/draft`) && r.request().method() === 'PUT' && r.ok());

/** Opens task `pid` on `page` and waits until its form is there (the page's context loaded). */
async function openTask(page: Page, pid: number): Promise<void> {
  await page.goto(`/task/?pid=${pid}`);
  await waitTaskPage(page, pid);
  await page.locator('.task-form').waitFor({ state: 'visible' });
}

describe('task page', () => {
  it('keeps a draft on the server across a reload and a suspension; one primary action; Complete at the end on a phone; pickers', async () => {
    const { clinic } = e2e;
    const journey = await clinic.startJourney(uniqueLabel('客户-draft'));
    const booking = await clinic.openTask(journey, 'xin_yu_yue');
    const { page } = await e2e.login('fang');
    await page.setViewportSize({ width: 390, height: 844 });
    await openTask(page, booking.pid);
    await startIfNeeded(page);
    // One primary action: Complete (Suspend, Transfer, Cancel are secondary).
    expect(await page.locator('.action-bar .btn-primary').count()).toBe(1);
    expect(await page.locator('.action-bar .btn-primary').getAttribute('data-testid')).toBe('action-complete');

    // Operator and service references are pickers of names.
    const doctor = field(page, '预约医生');
    expect(await doctor.evaluate((el) => el.tagName)).toBe('SELECT');
    await doctor.locator('option', { hasText: '陈医生' }).waitFor({ state: 'attached' });
    const service = field(page, '服务项目');
    expect(await service.evaluate((el) => el.tagName)).toBe('SELECT');
    expect(await service.locator('option').allInnerTexts()).toContain('面诊评估');

    // Opening the form saves nothing: only typed data becomes a draft.
    await page.waitForTimeout(1200);
    expect(await clinic.fang.get(`/v1/processes/${booking.pid}/draft`).catch((e: unknown) => e)).toMatchObject({
      status: 404,
    });
    const saved = draftSaved(page, booking.pid);
    await field(page, '姓名').fill('王草稿');
    await field(page, '电话').fill('13700000000');
    await doctor.selectOption({ label: '陈医生' });
    await saved;
    await until(
      async () =>
        (await clinic.fang.get<{ formData: Record<string, unknown> }>(`/v1/processes/${booking.pid}/draft`)).formData[
          'yu_yue_yi_sheng'
        ],
      STAFF.chen,
    );
    expect(await clinic.fang.get(`/v1/processes/${booking.pid}/draft`)).toMatchObject({
      formData: { xing_ming: '王草稿', dian_hua: '13700000000', yu_yue_yi_sheng: STAFF.chen },
    });
    expect((await clinic.process(booking.pid)).state).toBe('RUNNING');

    // A reload restores it.
    await openTask(page, booking.pid);
    await page.getByTestId('draft-restored').waitFor({ state: 'visible' });
    expect(await field(page, '姓名').inputValue()).toBe('王草稿');
    expect(await field(page, '电话').inputValue()).toBe('13700000000');
    expect(await field(page, '预约医生').inputValue()).toBe(STAFF.chen);

    // Suspended and resumed: still there (no state change came from the saves).
    await page.getByTestId('action-suspend').click();
    await page.getByTestId('reason-input').fill('customer calls back');
    await page.getByTestId('confirm-ok').click();
    await page.locator('[data-testid="task-page"][data-state="SUSPENDED"]').waitFor();
    await openTask(page, booking.pid);
    expect(await field(page, '姓名').inputValue()).toBe('王草稿');
    expect(await page.locator('.action-bar .btn-primary').getAttribute('data-testid')).toBe('action-resume');
    await page.getByTestId('action-resume').click();
    await page.locator('[data-testid="task-page"][data-state="RUNNING"]').waitFor();
    expect(await field(page, '姓名').inputValue()).toBe('王草稿');

    // Complete at the end of the long form, on the phone: below the last field.
    const end = page.getByTestId('action-complete-end');
    const last = await field(page, '备注').boundingBox();
    const button = await end.boundingBox();
    expect(button!.y).toBeGreaterThan(last!.y);
    expect(button!.y).toBeGreaterThan(844); // further down than the first screen: the bottom of the form
    await end.scrollIntoViewIfNeeded();
    await screenshot(page, 'task-page-phone-complete-at-end');
    await end.click();
    const done = await clinic.waitForState(booking.pid, 'TERMINATED');
    expect(done.formData).toMatchObject({ xing_ming: '王草稿', dian_hua: '13700000000', yu_yue_yi_sheng: STAFF.chen });
  });

  it('prefills the next form from the customer’s earlier one (never over a draft), and shows the earlier steps', async () => {
    const { clinic } = e2e;
    const journey = await clinic.startJourney(uniqueLabel('客户-prefill'));
    const booking = await clinic.openTask(journey, 'xin_yu_yue');
    await clinic.fang.post(`/v1/processes/${booking.pid}/start`);
    await clinic.fang.post(`/v1/processes/${booking.pid}/complete`, {
      form: { xing_ming: '李预约', dian_hua: '13600000000', nian_ling: 41, yu_yue_yi_sheng: STAFF.chen },
    });
    const confirm = await clinic.advanceTo(journey, 'dao_zhen_que_ren');
    const { page } = await e2e.login('fang');
    await openTask(page, confirm.pid);
    await startIfNeeded(page);

    expect(await field(page, '姓名').inputValue()).toBe('李预约');
    expect(await field(page, '年龄').inputValue()).toBe('41');
    expect(await field(page, '预约医生').inputValue()).toBe(STAFF.chen);
    const name = page.locator('.prefilled', { has: field(page, '姓名') });
    expect(await name.innerText()).toContain(`新预约 #${booking.pid}`);
    expect(await field(page, '备注').inputValue()).toBe(''); // nothing earlier to offer

    // Beside the form: the earlier steps with their results, operators by name.
    const earlier = page.locator(`[data-testid="earlier-step"][data-pid="${booking.pid}"]`);
    await earlier.waitFor({ state: 'visible' });
    await earlier.locator('summary').click();
    await earlier.locator('[data-field="xing_ming"]', { hasText: '李预约' }).waitFor({ state: 'visible' });
    expect(await earlier.locator('[data-field="yu_yue_yi_sheng"] dd').innerText()).toBe('陈医生');

    // A typed value is the draft: after a reload it wins over the prefill offer, and the mark is gone.
    const saved = draftSaved(page, confirm.pid);
    await field(page, '电话').fill('13500000000');
    await saved;
    await openTask(page, confirm.pid);
    expect(await field(page, '电话').inputValue()).toBe('13500000000');
    expect(await page.locator('.prefilled', { has: field(page, '电话') }).count()).toBe(0);
    expect(await field(page, '姓名').inputValue()).toBe('李预约');
    await screenshot(page, 'task-page-prefill');
    await page.getByTestId('action-complete').click();
    const done = await clinic.waitForState(confirm.pid, 'TERMINATED');
    expect(done.formData).toMatchObject({ xing_ming: '李预约', dian_hua: '13500000000', nian_ling: 41 });
  });

  it('shows validation messages in Chinese when the interface is Chinese', async () => {
    const { clinic } = e2e;
    const journey = await clinic.startJourney(uniqueLabel('客户-zh'));
    const booking = await clinic.openTask(journey, 'xin_yu_yue');
    const { page } = await e2e.login('fang', { locale: 'zh-CN' });
    await openTask(page, booking.pid);
    await startIfNeeded(page);
    await field(page, '年龄').fill('1.5');
    await page.getByTestId('action-complete').click();
    const message = (await page.locator('.error-detail').first().innerText()).trim();
    expect(message).toMatch(/[\u4e00-\u9fff]/);
    expect(message).not.toMatch(/must be/);
    expect((await clinic.process(booking.pid)).state).toBe('RUNNING');
  });

  it('tells the doctor when the requested skin examination is done and offers Resume', async () => {
    const { clinic } = e2e;
    const journey: Journey = await clinic.startJourney(uniqueLabel('客户-request'));
    const consult = await clinic.advanceTo(journey, 'mian_zhen_ping_gu');
    await clinic.chen.post(`/v1/processes/${consult.pid}/claim`);
    const { page } = await e2e.login('chen');
    await openTask(page, consult.pid);
    await waitLive(page);
    await startIfNeeded(page);
    await page.getByTestId('action-suspend').click();
    await page.getByTestId('reason-input').fill('request service: skin examination needed');
    await page.getByTestId('confirm-ok').click();
    await page.locator('[data-testid="task-page"][data-state="SUSPENDED"]').waitFor();

    const notice = page.getByTestId('requested-steps');
    await notice.waitFor({ state: 'visible' });
    expect(await notice.getAttribute('data-done')).toBe('false');
    const skin = await clinic.openTask(journey, 'pi_fu_jian_cha');
    await page.locator(`[data-testid="requested-step"][data-pid="${skin.pid}"]`).waitFor({ state: 'visible' });

    // 小方 does the skin examination; the doctor's page hears of it live (no reload) and offers Resume.
    if (skin.state === 'READY') await clinic.fang.post(`/v1/processes/${skin.pid}/start`);
    await clinic.fang.post(`/v1/processes/${skin.pid}/complete`, { form: { xing_ming: '皮肤' } });
    await page.locator('[data-testid="requested-steps"][data-done="true"]').waitFor({ state: 'visible' });
    expect(await notice.innerText()).toContain('皮肤检查');
    await screenshot(page, 'task-page-request-done');
    await page.getByTestId('requested-resume').click();
    await page.locator('[data-testid="task-page"][data-state="RUNNING"]').waitFor();
    expect((await clinic.process(consult.pid)).state).toBe('RUNNING');
  });

  it('says so when the task is transferred away while open: the form is kept, the actions are disabled', async () => {
    const { clinic } = e2e;
    const journey = await clinic.startJourney(uniqueLabel('客户-transfer'));
    const booking = await clinic.openTask(journey, 'xin_yu_yue');
    const { page } = await e2e.login('fang');
    await openTask(page, booking.pid);
    await waitLive(page);
    await startIfNeeded(page);
    const saved = draftSaved(page, booking.pid);
    await field(page, '姓名').fill('赵转交');
    await saved;

    await clinic.admin.post(`/v1/processes/${booking.pid}/transfer`, { operator: STAFF.jiang });
    const warning = page.getByTestId('transferred-away');
    await warning.waitFor({ state: 'visible' });
    expect(await warning.innerText()).toContain('小蒋');
    expect(await field(page, '姓名').inputValue()).toBe('赵转交');
    expect(await field(page, '姓名').isDisabled()).toBe(true);
    for (const button of await page.locator('.action-bar button').all()) expect(await button.isDisabled()).toBe(true);
    expect(await page.getByTestId('action-complete-end').count()).toBe(0);
    await screenshot(page, 'task-page-transferred-away');
  });
});
