/**
 * Sessions and the operator's own account, through the real UI: a dead or expiring access token is refreshed
 * (one shared `POST /auth/refresh`, the refused requests retried, the live socket reconnected) without a detour
 * to the login page; sign-out revokes the session on the server; a staff member changes their own password — a
 * weak one is refused at the field with the strength estimator's reason, a good one is accepted and they stay
 * signed in while their other session is signed out and the old password stops working.
 */
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { e2eEnv, staffPassword, STAFF } from './support/api';
import { screenshot, signIn } from './support/browser';
import { patchStoredSession, rawApi, readStoredSession, recordApi, type ApiLog } from './support/session';
import { useE2E } from './support/suite';
import { until, waitLive } from './support/ui';

const e2e = useE2E();

/** The browser's own line for a request the server refused with `status`. */
const refused = (status: number) =>
  new RegExp(`Failed to load resource: the server responded with a status of ${status}`);
const REFRESH = '/api/v1/auth/refresh';
/** A password the strength estimator accepts (score 4) and one it refuses (a common password). */
const GOOD_PASSWORD = 'amber-glacier-tunnel-91';
const WEAK_PASSWORD = 'password123';

/** Waits until the page got a 2xx answer for `path`. */
const answered = (log: ApiLog, path: string) =>
  until(async () => log.calls.some((c) => c.path === path && c.status >= 200 && c.status < 300), true);

async function fillPasswordForm(page: Page, current: string, next: string, repeat = next): Promise<void> {
  await page.getByTestId('password-current').fill(current);
  await page.getByTestId('password-new').fill(next);
  await page.getByTestId('password-repeat').fill(repeat);
  await page.getByTestId('password-submit').click();
}

describe('sessions', () => {
  it('a dead access token is refreshed once and the refused requests retried; no sign-in page', async () => {
    const { page } = await e2e.login('fang');
    await waitLive(page);
    const first = await readStoredSession(page);
    expect(first?.refreshToken).toEqual(expect.any(String));
    expect(first?.expiresAt).toBeGreaterThan(Date.now());

    e2e.browser.consoleErrors.allow(refused(401)); // the requests sent with the dead token
    const log = recordApi(page);
    await patchStoredSession(page, { token: 'not-a-valid-access-token' });
    await page.getByTestId('nav-pool').click();
    await page.getByTestId('list-pool').waitFor();
    await answered(log, '/api/v1/tasks/pool');
    expect(new URL(page.url()).pathname).toBe('/pool/');
    expect(log.calls.some((c) => c.status === 401)).toBe(true);
    expect(log.count(REFRESH)).toBe(1);
    const second = await readStoredSession(page);
    expect(second?.token).not.toBe('not-a-valid-access-token');
    expect(second?.refreshToken).not.toBe(first?.refreshToken);
    // The refresh token that was used is dead now.
    const reused = await rawApi(e2eEnv().baseURL, 'POST', '/v1/auth/refresh', {
      body: { refreshToken: first?.refreshToken },
    });
    expect(reused.status).toBe(401);
  });

  it('an access token about to expire is refreshed before it is used (no 401)', async () => {
    const { page } = await e2e.login('fang');
    await waitLive(page);
    const log = recordApi(page);
    await patchStoredSession(page, { expiresAt: Date.now() + 5_000 });
    await page.getByTestId('nav-pool').click();
    await answered(log, '/api/v1/tasks/pool');
    expect(log.count(REFRESH)).toBe(1);
    expect(log.calls.filter((c) => c.status === 401)).toEqual([]);
    expect((await readStoredSession(page))?.expiresAt).toBeGreaterThan(Date.now() + 60_000);
  });

  it('a reload with a dead access token: lists and the live socket recover through the refresh token', async () => {
    const { page } = await e2e.login('fang');
    await waitLive(page);
    e2e.browser.consoleErrors.allow(refused(401));
    await patchStoredSession(page, { token: 'not-a-valid-access-token' });
    const log = recordApi(page);
    await page.reload();
    await page.getByTestId('me-name').waitFor({ state: 'visible' });
    await answered(log, '/api/v1/tasks/mine');
    await waitLive(page);
    expect(new URL(page.url()).pathname).toBe('/');
    expect(log.count(REFRESH)).toBe(1);
    expect((await readStoredSession(page))?.token).not.toBe('not-a-valid-access-token');
  });

  it('sign-out revokes the session on the server: its access and refresh tokens stop working', async () => {
    const { page } = await e2e.login('fang');
    await waitLive(page);
    const session = await readStoredSession(page);
    const log = recordApi(page);
    await page.getByTestId('sign-out').click();
    await page.waitForURL(/\/login\//);
    expect(log.calls.find((c) => c.path === '/api/v1/auth/logout')).toMatchObject({ method: 'POST', status: 204 });
    expect(await readStoredSession(page)).toBeNull();
    const { baseURL } = e2eEnv();
    expect((await rawApi(baseURL, 'GET', '/v1/me', { token: session?.token })).status).toBe(401);
    const refresh = await rawApi(baseURL, 'POST', '/v1/auth/refresh', {
      body: { refreshToken: session?.refreshToken },
    });
    expect(refresh.status).toBe(401);
  });
});

describe('my password', () => {
  afterAll(async () => {
    // Back to the password the other browser tests use.
    await e2e.clinic?.admin
      .put(`/v1/operators/${STAFF.jiang}/password`, { password: staffPassword('jiang') })
      .catch(() => undefined);
  });

  it('weak refused at the field with the reason; a good one accepted; signed in here, out elsewhere', async () => {
    const other = await e2e.login('jiang'); // another device of 小蒋
    await waitLive(other.page);
    const { page } = await e2e.login('jiang');
    await page.getByTestId('nav-account').click();
    await page.waitForURL(/\/account\/password\/$/);
    await page.getByTestId('password-current').waitFor({ state: 'visible' });
    await screenshot(page, 'account-password');

    // Checked here: the repetition differs.
    await fillPasswordForm(page, staffPassword('jiang'), GOOD_PASSWORD, `${GOOD_PASSWORD}x`);
    await page.getByTestId('password-repeat-error').waitFor({ state: 'visible' });

    // Refused by the server, each at its field.
    e2e.browser.consoleErrors.allow(refused(422));
    await fillPasswordForm(page, 'not-my-current-password', GOOD_PASSWORD);
    const currentError = page.getByTestId('password-current-error');
    await currentError.waitFor({ state: 'visible' });
    expect((await currentError.innerText()).trim()).not.toBe('');

    await fillPasswordForm(page, staffPassword('jiang'), WEAK_PASSWORD);
    const newError = page.getByTestId('password-new-error');
    await newError.waitFor({ state: 'visible' });
    // The strength estimator's reason, e.g. "… Add more words that are less common."
    expect(await newError.innerText()).toMatch(/guess|common|word/i);
    expect(await page.getByTestId('password-current-error').count()).toBe(0);
    await screenshot(page, 'account-password-weak');

    const before = await readStoredSession(page);
    e2e.browser.consoleErrors.allow(refused(401)); // the other device's refused refresh
    await fillPasswordForm(page, staffPassword('jiang'), GOOD_PASSWORD);
    await page.getByTestId('notice').waitFor({ state: 'visible' });
    expect(await page.getByTestId('password-new-error').count()).toBe(0);
    const after = await readStoredSession(page);
    expect(after?.token).not.toBe(before?.token);
    expect(after?.refreshToken).not.toBe(before?.refreshToken);
    await screenshot(page, 'account-password-changed');

    // Still signed in here: the live socket is back and the next pages load.
    await waitLive(page);
    const log = recordApi(page);
    await page.getByTestId('nav-mine').click();
    await answered(log, '/api/v1/tasks/mine');
    expect(new URL(page.url()).pathname).toBe('/');

    // The other device is signed out (its socket was dropped, its refresh token revoked).
    await other.page.waitForURL(/\/login\//, { timeout: 20_000 });

    // The old password no longer works; the new one does.
    const { page: fresh } = await e2e.browser.newContext('jiang-again');
    await fresh.goto('/login/');
    await fresh.getByTestId('login-username').fill('jiang');
    await fresh.getByTestId('login-password').fill(staffPassword('jiang'));
    await fresh.getByTestId('login-submit').click();
    await fresh.getByTestId('login-error').waitFor({ state: 'visible' });
    await signIn(fresh, 'jiang', GOOD_PASSWORD);
  });
});
