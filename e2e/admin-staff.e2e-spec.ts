/**
 * Administration through the real UI: Admin › API tokens (create — the secret shown once, it works for its
 * scopes —, listed, revoked with a confirmation, then refused) and Admin › Staff (set a staff member's password —
 * a weak one refused with the reason —, lock them: their sessions end and their sign-in is refused, unlock;
 * edit their roles in a dialog). Non-administrators get neither the links nor the pages.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eEnv, staffPassword, STAFF } from './support/api';
import { screenshot, signIn } from './support/browser';
import { rawApi } from './support/session';
import { useE2E } from './support/suite';
import { until } from './support/ui';

const e2e = useE2E();

const refused = (status: number) =>
  new RegExp(`Failed to load resource: the server responded with a status of ${status}`);
const JIANG = STAFF.jiang;
const GOOD_PASSWORD = 'violet-kettle-orbit-42';
const WEAK_PASSWORD = 'password123';

type Staff = { key: string; username: string | null; roles: string[]; locked: boolean; hasPassword: boolean };

const staffRow = (page: Page, key: string) => page.locator(`[data-testid="staff-row"][data-key="${key}"]`);

async function openStaff(page: Page): Promise<void> {
  await page.getByTestId('nav-staff').click();
  await page.getByTestId('staff-page').waitFor();
  await staffRow(page, JIANG).waitFor({ state: 'visible' });
}

/** Tries to sign in through the login page and waits for the error. */
async function signInRefused(page: Page, username: string, password: string): Promise<string> {
  // A signed-out page is already on its way to /login/ (the app may redirect more than once): let it arrive.
  if (!/\/login\/$/.test(new URL(page.url()).pathname)) {
    await page.goto('/login/').catch(async (error: Error) => {
      if (!/interrupted by another navigation/.test(error.message)) throw error;
    });
  }
  await page.waitForLoadState('load');
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  const error = page.getByTestId('login-error');
  await error.waitFor({ state: 'visible' });
  return error.innerText();
}

describe('administration', () => {
  let original: Staff;
  const operator = async (key: string) =>
    (await e2e.clinic.admin.get<Staff[]>('/v1/operators')).find((o) => o.key === key)!;

  beforeAll(async () => {
    original = await operator(JIANG);
  });

  afterAll(async () => {
    // Leave 小蒋 as the other browser tests expect them.
    const admin = e2e.clinic?.admin;
    if (!admin || !original) return;
    await admin.post(`/v1/operators/${JIANG}/unlock`).catch(() => undefined);
    await admin.put(`/v1/operators/${JIANG}/roles`, { roles: original.roles }).catch(() => undefined);
    await admin.put(`/v1/operators/${JIANG}/password`, { password: staffPassword('jiang') }).catch(() => undefined);
  });

  it('non-administrators get no admin links, and the admin pages refuse them', async () => {
    const { page } = await e2e.login('fang');
    await page.getByTestId('nav-account').waitFor({ state: 'visible' });
    expect(await page.getByTestId('nav-staff').count()).toBe(0);
    expect(await page.getByTestId('nav-api-tokens').count()).toBe(0);
    for (const path of ['/admin/staff/', '/admin/api-tokens/']) {
      await page.goto(path);
      await page.getByTestId('admin-forbidden').waitFor({ state: 'visible' });
    }
  });

  it('API tokens: created with its secret shown once, it works for its scope, listed, revoked', async () => {
    const { baseURL } = e2eEnv();
    const { context, page } = await e2e.loginAdmin();
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.getByTestId('nav-api-tokens').click();
    await page.getByTestId('api-tokens-page').waitFor();
    const name = `e2e token ${Date.now().toString(36)}`;
    await page.getByTestId('api-token-name').fill(name);
    await page.getByTestId('api-token-scope-processes:read').check();
    await page.getByTestId('api-token-create').click();

    const secretField = page.getByTestId('api-token-secret');
    await secretField.waitFor({ state: 'visible' });
    const secret = await secretField.inputValue();
    expect(secret.length).toBeGreaterThan(20);
    expect(await page.getByTestId('api-token-created').innerText()).toMatch(/not be shown again/i);
    await page.getByTestId('api-token-copy').click();
    await until(async () => page.evaluate<string>('navigator.clipboard.readText()'), secret);
    await screenshot(page, 'admin-api-token-created');

    const row = page.locator('[data-testid="api-token-row"]', { hasText: name });
    await row.waitFor({ state: 'visible' });
    const id = await row.getAttribute('data-id');
    expect(id).toBeTruthy();
    expect(await row.getByTestId('api-token-row-scopes').innerText()).toContain('processes:read');

    // It reads processes; it may not start one (no processes:write).
    expect((await rawApi(baseURL, 'GET', '/v1/processes?pageSize=1', { token: secret })).status).toBe(200);
    const write = await rawApi(baseURL, 'POST', '/v1/processes', {
      token: secret,
      body: { service: 'ke_hu_fu_wu', entity: { type: 'Operator', label: 'api-token-e2e' } },
    });
    expect(write.status).toBe(403);

    // Listed after a reload — without its secret — and marked as used.
    await page.reload();
    const listed = page.locator(`[data-testid="api-token-row"][data-id="${id}"]`);
    await listed.waitFor({ state: 'visible' });
    expect(await page.getByTestId('api-token-secret').count()).toBe(0);
    expect(await listed.innerText()).toContain(name);
    expect(await listed.getByTestId('api-token-row-last-used').locator('time').count()).toBe(1);

    // Revoked after a confirmation; refused from then on.
    await page.getByTestId(`api-token-revoke-${id}`).click();
    await page.getByTestId('confirm-ok').click();
    await listed.waitFor({ state: 'detached' });
    await page.getByTestId('notice').waitFor({ state: 'visible' });
    expect((await rawApi(baseURL, 'GET', '/v1/processes?pageSize=1', { token: secret })).status).toBe(401);
    await page.reload();
    await page.getByTestId('api-tokens-page').waitFor();
    await page.locator('[data-testid="api-token-row"], .empty').first().waitFor({ state: 'attached' });
    expect(await listed.count()).toBe(0);
  });

  it('staff: set a password (weak refused with the reason), lock (sessions end, sign-in refused), unlock', async () => {
    const before = await e2e.login('jiang'); // 小蒋's session with the old password
    const { page } = await e2e.loginAdmin();
    await openStaff(page);
    const row = staffRow(page, JIANG);
    expect(await row.getAttribute('data-locked')).toBe('false');
    expect(await row.getByTestId('staff-username').innerText()).toBe('jiang');
    await screenshot(page, 'admin-staff');

    e2e.browser.consoleErrors.allow(refused(422));
    e2e.browser.consoleErrors.allow(refused(401)); // 小蒋's ended sessions
    await page.getByTestId(`staff-password-${JIANG}`).click();
    await page.getByTestId('staff-password-input').fill(WEAK_PASSWORD);
    await page.getByTestId('confirm-ok').click();
    const reason = page.getByTestId('staff-password-error');
    await reason.waitFor({ state: 'visible' });
    expect(await reason.innerText()).toMatch(/guess|common|word/i);
    await page.getByTestId('staff-password-input').fill(GOOD_PASSWORD);
    await page.getByTestId('confirm-ok').click();
    await page.getByTestId('staff-password-input').waitFor({ state: 'detached' });
    await page.getByTestId('notice').waitFor({ state: 'visible' });

    // A new password ends 小蒋's sessions; the old password is refused, the new one works.
    await before.page.waitForURL(/\/login\//, { timeout: 20_000 });
    const { page: jiang } = await e2e.browser.newContext('jiang-new-password');
    expect(await signInRefused(jiang, 'jiang', staffPassword('jiang'))).not.toBe('');
    await signIn(jiang, 'jiang', GOOD_PASSWORD);

    // Locked: the open session ends, and signing in is refused with the error shown.
    await page.getByTestId(`staff-lock-${JIANG}`).click();
    await page.locator(`[data-testid="staff-row"][data-key="${JIANG}"][data-locked="true"]`).waitFor();
    await page.getByTestId(`staff-unlock-${JIANG}`).waitFor({ state: 'visible' });
    expect((await operator(JIANG)).locked).toBe(true);
    await jiang.waitForURL(/\/login\//, { timeout: 20_000 });
    expect(await signInRefused(jiang, 'jiang', GOOD_PASSWORD)).not.toBe('');
    await screenshot(page, 'admin-staff-locked');

    // Unlocked: signing in works again.
    await page.getByTestId(`staff-unlock-${JIANG}`).click();
    await page.locator(`[data-testid="staff-row"][data-key="${JIANG}"][data-locked="false"]`).waitFor();
    expect((await operator(JIANG)).locked).toBe(false);
    await signIn(jiang, 'jiang', GOOD_PASSWORD);
  });

  it('staff: roles are edited in a dialog of the design’s roles', async () => {
    const design = await e2e.clinic.admin.get<{ roles: { key: string; label: string }[] }>('/v1/designs/current');
    const current = await operator(JIANG);
    const extra = design.roles.find((r) => !current.roles.includes(r.key));
    if (!extra) throw new Error('小蒋 already has every role');

    const { page } = await e2e.loginAdmin();
    await openStaff(page);
    const roles = staffRow(page, JIANG).getByTestId('staff-roles');
    expect(await roles.innerText()).not.toContain(extra.label);

    await page.getByTestId(`staff-roles-${JIANG}`).click();
    const option = page.getByTestId(`role-option-${extra.key}`);
    await option.waitFor({ state: 'visible' });
    for (const key of current.roles) expect(await page.getByTestId(`role-option-${key}`).isChecked()).toBe(true);
    await option.check();
    await screenshot(page, 'admin-staff-roles');
    await page.getByTestId('confirm-ok').click();
    await option.waitFor({ state: 'detached' });
    await until(async () => (await roles.innerText()).includes(extra.label), true);
    expect((await operator(JIANG)).roles.sort()).toEqual([...current.roles, extra.key].sort());

    // Kept after a reload; taken away again.
    await page.reload();
    await staffRow(page, JIANG).waitFor({ state: 'visible' });
    await until(async () => (await roles.innerText()).includes(extra.label), true);
    await page.getByTestId(`staff-roles-${JIANG}`).click();
    await page.getByTestId(`role-option-${extra.key}`).uncheck();
    await page.getByTestId('confirm-ok').click();
    await page.getByTestId(`role-option-${extra.key}`).waitFor({ state: 'detached' });
    await until(async () => (await roles.innerText()).includes(extra.label), false);
    expect((await operator(JIANG)).roles.sort()).toEqual([...current.roles].sort());
  });
});
