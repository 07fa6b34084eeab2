import { afterAll, afterEach, beforeAll } from 'vitest';
import { Clinic, e2eEnv, staffPassword, type StaffName } from './api';
import { E2EBrowser, type OperatorSession } from './browser';

/** What a browser test file gets from {@link useE2E}. */
export type E2E = {
  clinic: Clinic;
  browser: E2EBrowser;
  /** A new browser context signed in as a clinic staff member (English UI unless `locale` says otherwise). */
  login(username: StaffName, options?: { locale?: string }): Promise<OperatorSession>;
  /** A new browser context signed in as the administrator. */
  loginAdmin(options?: { locale?: string }): Promise<OperatorSession>;
};

/**
 * Registers the hooks of a browser test file: REST set-up of the clinic staff and one Chromium (beforeAll);
 * after each test its contexts are closed (screenshots on failure) and the test fails on console errors.
 */
export function useE2E(): E2E {
  const state = {} as { clinic: Clinic; browser: E2EBrowser };
  beforeAll(async () => {
    state.clinic = await Clinic.setup();
    state.browser = await E2EBrowser.open(e2eEnv().baseURL);
  });
  afterEach(async (ctx) => {
    await state.browser?.afterEach(ctx.task.name, ctx.task.result?.state === 'fail');
  });
  afterAll(async () => {
    await state.browser?.close();
  });
  return {
    get clinic() {
      return state.clinic;
    },
    get browser() {
      return state.browser;
    },
    login: (username, options) => state.browser.operator(username, staffPassword(username), options),
    loginAdmin: (options) => state.browser.operator('admin', e2eEnv().adminPassword, options),
  };
}
