/**
 * Every page of apps/web/TESTIDS.md renders for the right user without console errors (screenshots in
 * e2e/artifacts/page-*.png) — the account and admin pages included; a reload keeps the session; a zh-CN
 * browser gets the Chinese UI.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { uniqueLabel, type Journey, type Task } from './support/api';
import { screenshot } from './support/browser';
import { useE2E } from './support/suite';
import { taskRow, until, waitLive, waitTaskPage } from './support/ui';

const e2e = useE2E();
const CJK = /[\u4e00-\u9fff]/;

/** The signed-in header every page carries. */
async function header(page: Page, options: { admin?: boolean } = {}) {
  for (const id of ['me-name', 'me-roles', 'sign-out', 'nav-mine', 'nav-pool', 'nav-account'])
    await page.getByTestId(id).waitFor({ state: 'visible' });
  for (const id of ['nav-monitor', 'nav-staff', 'nav-api-tokens'])
    expect(await page.getByTestId(id).isVisible()).toBe(options.admin ?? false);
  await waitLive(page);
}

describe('pages', () => {
  let journey: Journey; // advanced to 面诊评估 (in the doctor's pool)
  let assessment: Task;
  let booking: Task; // 新预约 of a second customer, 小方's

  beforeAll(async () => {
    const { clinic } = e2e;
    journey = await clinic.startJourney(uniqueLabel('客户-pages'));
    assessment = await clinic.advanceTo(journey, 'mian_zhen_ping_gu');
    booking = await clinic.openTask(await clinic.startJourney(uniqueLabel('客户-pages-b')), 'xin_yu_yue');
  });

  it('login page', async () => {
    const { page } = await e2e.browser.newContext('anonymous');
    await page.goto('/login/');
    for (const id of ['login-username', 'login-password', 'login-submit'])
      await page.getByTestId(id).waitFor({ state: 'visible' });
    await screenshot(page, 'page-login');

    // Wrong password: an error, still on the login page.
    e2e.browser.consoleErrors.allow(/Failed to load resource: the server responded with a status of 401/);
    await page.getByTestId('login-username').fill('fang');
    await page.getByTestId('login-password').fill('not-the-password');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('login-error').waitFor({ state: 'visible' });
    expect((await page.getByTestId('login-error').innerText()).trim()).not.toBe('');
    expect(new URL(page.url()).pathname).toBe('/login/');

    // A signed-out visitor of a signed-in page is sent to the login page.
    await page.goto('/pool/');
    await page.waitForURL(/\/login\//);
  });

  it('My tasks (小方): header, lists, filters; a reload keeps the session; sign out', async () => {
    const { page } = await e2e.login('fang');
    expect(new URL(page.url()).pathname).toBe('/');
    await header(page);
    expect(await page.getByTestId('me-name').innerText()).toMatch(/小方|fang/);
    expect(await page.getByTestId('me-roles').innerText()).toMatch(/护士|hu_shi/);
    await page.getByTestId('list-mine').waitFor();
    for (const id of ['filter-search', 'filter-service', 'filter-state', 'sort'])
      await page.getByTestId(id).waitFor({ state: 'visible' });
    await taskRow(page, 'list-mine', booking.pid).waitFor({ state: 'visible' });
    await screenshot(page, 'page-mine');

    await page.reload();
    await header(page);
    await taskRow(page, 'list-mine', booking.pid).waitFor({ state: 'visible' });
    expect(new URL(page.url()).pathname).toBe('/');

    await page.getByTestId('sign-out').click();
    await page.waitForURL(/\/login\//);
    await page.goto('/');
    await page.waitForURL(/\/login\//);
  });

  it('Pool (陈医生): the doctor sees 面诊评估 with Claim', async () => {
    const { page } = await e2e.login('chen');
    await page.getByTestId('nav-pool').click();
    await header(page);
    await page.getByTestId('list-pool').waitFor();
    const row = taskRow(page, 'list-pool', assessment.pid);
    await row.waitFor({ state: 'visible' });
    expect(await row.getAttribute('data-service')).toBe('mian_zhen_ping_gu');
    await page.getByTestId(`claim-${assessment.pid}`).waitFor({ state: 'visible' });
    await screenshot(page, 'page-pool');
    await page.reload();
    await header(page);
    await row.waitFor({ state: 'visible' });
    expect(new URL(page.url()).pathname).toBe('/pool/');
  });

  it('task page (小方, 新预约): title, form, actions; a reload keeps it', async () => {
    const { page } = await e2e.login('fang');
    await page.goto(`/task/?pid=${booking.pid}`);
    await waitTaskPage(page, booking.pid);
    await header(page);
    expect(await page.getByTestId('task-title').innerText()).toContain('新预约');
    await page.locator('[data-testid="task-page"] form input').nth(3).waitFor({ state: 'attached' });
    await page.locator('[data-testid="action-complete"], [data-testid="action-start"]').first().waitFor();
    await screenshot(page, 'page-task');
    await page.reload();
    await waitTaskPage(page, booking.pid);
  });

  it('entity page (小方): four groups, timeline, entry points', async () => {
    const { page } = await e2e.login('fang');
    const { type, id } = journey.entity;
    await page.goto(`/entity/?type=${encodeURIComponent(type)}&id=${encodeURIComponent(id)}`);
    await page.getByTestId('entity-page').waitFor();
    await header(page);
    for (const group of ['scheduled', 'running', 'paused', 'done'])
      await page.getByTestId(`entity-group-${group}`).waitFor({ state: 'attached' });
    await taskRow(page, 'entity-group-scheduled', assessment.pid).waitFor({ state: 'attached' });
    const done = (await e2e.clinic.entityTasks(journey.entity)).done.find((t) => t.service === 'xin_yu_yue')!;
    await taskRow(page, 'entity-group-done', done.pid).waitFor({ state: 'attached' });
    await page.getByTestId('timeline').waitFor({ state: 'attached' });
    await page.getByTestId('timeline-item').first().waitFor({ state: 'attached' }); // loaded after the groups
    await page.getByTestId('start-ke_hu_fu_wu').waitFor({ state: 'visible' });
    await screenshot(page, 'page-entity');
  });

  it('new entity page (小方)', async () => {
    const { page } = await e2e.login('fang');
    await page.goto('/entity/?type=Operator&new=1');
    await page.getByTestId('entity-label-input').waitFor({ state: 'visible' });
    await header(page);
    await screenshot(page, 'page-entity-new');
  });

  it('process page (小方): state, links, audit trail, snapshots', async () => {
    const { page } = await e2e.login('fang');
    const root = await e2e.clinic.process(journey.root.pid);
    await page.goto(`/process/?pid=${root.pid}`);
    await page.locator(`[data-testid="process-page"][data-state="${root.state}"]`).waitFor();
    await header(page);
    await page.getByTestId('process-state').waitFor({ state: 'visible' });
    await page.getByTestId('child-link').first().waitFor({ state: 'visible' });
    await page.getByTestId('audit-trail').waitFor({ state: 'attached' });
    await page.getByTestId('audit-item').first().waitFor({ state: 'attached' });
    await page.getByTestId('snapshots').waitFor({ state: 'attached' });
    await screenshot(page, 'page-process');

    // A step of the journey: links to its parent (and previous step, when it has one).
    const step = await e2e.clinic.process(assessment.pid);
    await page.goto(`/process/?pid=${step.pid}`);
    await page.locator(`[data-testid="process-page"][data-state="${step.state}"]`).waitFor();
    if (step.parentPid !== null) await page.getByTestId('link-parent').waitFor({ state: 'visible' });
    if (step.previousPid !== null) await page.getByTestId('link-previous').waitFor({ state: 'visible' });
    await page.getByTestId('audit-item').first().waitFor({ state: 'attached' });
    await screenshot(page, 'page-process-step');
  });

  it('monitor (admin): counts, search, a live stream', async () => {
    const { page } = await e2e.loginAdmin();
    await page.getByTestId('nav-monitor').click();
    await page.getByTestId('monitor-page').waitFor();
    await header(page, { admin: true });
    await page.getByTestId('monitor-counts').waitFor({ state: 'visible' });
    const running = page.getByTestId('count-RUNNING');
    await until(async () => Number((await running.innerText()).replace(/\D+/g, '')) > 0, true);
    await page.getByTestId('monitor-search').waitFor({ state: 'visible' });
    await page.getByTestId('monitor-stream').waitFor({ state: 'attached' });
    const before = await page.getByTestId('stream-item').count();
    await e2e.clinic.chen.post(`/v1/processes/${assessment.pid}/claim`);
    await e2e.clinic.chen.post(`/v1/processes/${assessment.pid}/unclaim`);
    await page.getByTestId('stream-item').nth(before).waitFor({ state: 'attached', timeout: 5_000 });
    const newest = page.getByTestId('stream-item').first();
    await until(async () => (await newest.innerText()).includes(`#${assessment.pid}`), true, 5_000);
    await screenshot(page, 'page-monitor');
  });

  it('my password (小方): the change-password form', async () => {
    const { page } = await e2e.login('fang');
    await page.getByTestId('nav-account').click();
    await page.waitForURL(/\/account\/password\/$/);
    await header(page);
    for (const id of ['password-current', 'password-new', 'password-repeat', 'password-submit'])
      await page.getByTestId(id).waitFor({ state: 'visible' });
    await screenshot(page, 'page-account-password');
    await page.reload();
    await page.getByTestId('password-current').waitFor({ state: 'visible' });
  });

  it('admin › staff (admin): operators with roles, flags and lock state', async () => {
    const { page } = await e2e.loginAdmin();
    await page.getByTestId('nav-staff').click();
    await page.getByTestId('staff-page').waitFor();
    await header(page, { admin: true });
    const row = page.locator('[data-testid="staff-row"][data-key="xiao_fang"]');
    await row.waitFor({ state: 'visible' });
    expect(await row.getAttribute('data-locked')).toBe('false');
    await page.getByTestId('staff-roles-xiao_fang').waitFor({ state: 'visible' });
    await page.getByTestId('staff-lock-xiao_fang').waitFor({ state: 'visible' });
    await page.getByTestId('staff-show-customers').check();
    await until(async () => (await page.getByTestId('staff-row').count()) > 3, true);
    await screenshot(page, 'page-admin-staff');
  });

  it('admin › API tokens (admin): list and create form', async () => {
    const { page } = await e2e.loginAdmin();
    await page.getByTestId('nav-api-tokens').click();
    await page.getByTestId('api-tokens-page').waitFor();
    await header(page, { admin: true });
    for (const id of ['api-token-name', 'api-token-scope-processes:read', 'api-token-create'])
      await page.getByTestId(id).waitFor({ state: 'visible' });
    await screenshot(page, 'page-admin-api-tokens');
  });

  it('a zh-CN browser gets the Chinese UI; en-US the English one', async () => {
    const zh = await e2e.login('fang', { locale: 'zh-CN' });
    await header(zh.page);
    for (const id of ['nav-mine', 'nav-pool', 'nav-account'])
      expect(await zh.page.getByTestId(id).innerText()).toMatch(CJK);
    await screenshot(zh.page, 'page-mine-zh');
    await zh.page.getByTestId('nav-account').click();
    await zh.page.getByTestId('password-submit').waitFor({ state: 'visible' });
    expect(await zh.page.getByTestId('password-submit').innerText()).toMatch(CJK);
    const admin = await e2e.loginAdmin({ locale: 'zh-CN' });
    for (const id of ['nav-staff', 'nav-api-tokens']) expect(await admin.page.getByTestId(id).innerText()).toMatch(CJK);
    await admin.page.getByTestId('nav-staff').click();
    await admin.page.getByTestId('staff-page').waitFor();
    await screenshot(admin.page, 'page-admin-staff-zh');
    const { page } = await e2e.browser.newContext('anonymous-zh', { locale: 'zh-CN' });
    await page.goto('/login/');
    expect(await page.getByTestId('login-submit').innerText()).toMatch(CJK);
    await screenshot(page, 'page-login-zh');

    const en = await e2e.login('fang', { locale: 'en-US' });
    await header(en.page);
    for (const id of ['nav-mine', 'nav-pool']) expect(await en.page.getByTestId(id).innerText()).not.toMatch(CJK);
  });
});
