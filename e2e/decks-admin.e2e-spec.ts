/**
 * Decks in the browser (issue 9): a design with a deck is merged into the clinic design; the admin's Decks page
 * lists the execution deck and the new deck with its counts, pauses and resumes it, and shows a failed job whose
 * pid links to its process; Bull Board opens at /admin/queues with the session the Decks page opened (and a
 * browser without one is sent back to the Decks page); a system process's page shows its stage progress — steps,
 * attempts with worker and times, and the failure of a failed run.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ProcessView } from '@opkernel/contracts';
import { type ApiClient, uniqueLabel } from './support/api';
import { screenshot } from './support/browser';
import { useE2E } from './support/suite';

const e2e = useE2E();

const ROLE = 'dk_desk';

/** Added to the clinic design (a merge: every clinic element stays as it is). */
const ADDITIONS = {
  schemaVersion: 1,
  decks: [
    {
      key: 'dk_lab',
      id: 7,
      label: 'Lab bench',
      handlers: ['ops.hash', 'ops.fail'],
      concurrency: 2,
      retry: { attempts: 2, backoff: { type: 'fixed', delayMs: 20 } },
    },
  ],
  services: [
    { key: 'dk_order', label: 'Lab order', kind: 'manual', routeTo: ROLE, manualStart: true },
    { key: 'dk_bad_order', label: 'Broken lab order', kind: 'manual', routeTo: ROLE, manualStart: true },
    { key: 'dk_digest', label: 'Sample digest', kind: 'system', automation: { route: [7] } },
    {
      key: 'dk_analyse',
      label: 'Analyser run',
      kind: 'system',
      automation: { route: [7, { deck: 'dk_lab', handler: 'ops.fail', input: { code: 'ANALYSER_DOWN' } }] },
    },
  ],
  events: [
    { key: 'dk_new', label: 'new', expression: 'process_state = "NEW"' },
    { key: 'dk_done', label: 'done', expression: 'process_state = "TERMINATED"' },
  ],
  instructions: [
    { key: 'dk_start', label: 'start', sysCall: 'start_service', parameters: [] },
    { key: 'dk_end', label: 'end', sysCall: 'terminate', parameters: [] },
  ],
  rules: [
    {
      key: 'dk_r1',
      label: 'digest the sample',
      program: 'dk_order',
      order: 1,
      subject: 'dk_order',
      event: 'dk_new',
      instruction: 'dk_start',
      operand: 'dk_digest',
    },
    {
      key: 'dk_r1b',
      label: 'the order is done when the sample is digested',
      program: 'dk_order',
      order: 2,
      subject: 'dk_digest',
      event: 'dk_done',
      instruction: 'dk_end',
      operand: null,
    },
    {
      key: 'dk_r2',
      label: 'run the analyser',
      program: 'dk_bad_order',
      order: 1,
      subject: 'dk_bad_order',
      event: 'dk_new',
      instruction: 'dk_start',
      operand: 'dk_analyse',
    },
  ],
  roles: [{ key: ROLE, label: 'Lab desk', services: ['dk_order', 'dk_bad_order'] }],
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `read` until it returns a value (not undefined), for up to `timeout` ms. */
async function eventually<T>(read: () => Promise<T | undefined>, timeout = 20_000): Promise<T> {
  const until = Date.now() + timeout;
  for (;;) {
    const v = await read();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error('timed out');
    await sleep(250);
  }
}

describe('decks: the Decks page, Bull Board and stage progress', () => {
  let admin: ApiClient;

  /** Starts `root` for a new customer; its system step `service` once it reached `state`. */
  async function systemStep(root: string, service: string, state: string): Promise<ProcessView> {
    const { pid } = await admin.post<{ pid: number }>('/v1/processes', {
      service: root,
      entity: { type: 'Customer', label: uniqueLabel('dk') },
    });
    return eventually(async () => {
      const page = await admin.get<{ items: ProcessView[] }>(`/v1/processes?service=${service}&limit=50`);
      return page.items.find((p) => p.parentPid === pid && p.state === state);
    });
  }

  const deckRow = (page: Page, key: string) => page.locator(`[data-testid="deck-row"][data-key="${key}"]`);

  beforeAll(async () => {
    admin = e2e.clinic.admin;
    const current = await admin.get<{ name: string }>('/v1/designs/current');
    await admin.post('/v1/designs?format=native', { ...ADDITIONS, name: current.name });
  });

  it('the Decks page lists the decks with counts, pauses and resumes one, and shows its failures', async () => {
    const digest = await systemStep('dk_order', 'dk_digest', 'TERMINATED');
    const broken = await systemStep('dk_bad_order', 'dk_analyse', 'ERROR');
    const { page } = await e2e.loginAdmin();
    await page.getByTestId('nav-decks').click();
    await page.getByTestId('decks-page').waitFor();
    const row = deckRow(page, 'dk_lab');
    await row.waitFor();
    await deckRow(page, 'execution').waitFor();
    expect(await row.locator('th').innerText()).toContain('Lab bench');
    expect(await row.getByTestId('deck-handlers').innerText()).toBe('ops.hash, ops.fail');
    // digest: 1 hop; analyser: step 0 ok, step 1 failed twice (one failed job).
    expect(Number(await row.getByTestId('deck-count-completed').innerText())).toBeGreaterThanOrEqual(2);
    expect(Number(await row.getByTestId('deck-count-failed').innerText())).toBeGreaterThanOrEqual(1);
    expect(Number(await row.getByTestId('deck-workers').innerText())).toBeGreaterThanOrEqual(1);

    await page.getByTestId('deck-pause-dk_lab').click();
    await page.locator('[data-testid="deck-row"][data-key="dk_lab"][data-paused="true"]').waitFor();
    expect(await row.getByTestId('deck-status').innerText()).toBe('Paused');
    await page.getByTestId('deck-resume-dk_lab').click();
    await page.locator('[data-testid="deck-row"][data-key="dk_lab"][data-paused="false"]').waitFor();

    await page.getByTestId('deck-failures-dk_lab').click();
    const failure = page.locator(`[data-testid="deck-failure"][data-pid="${broken.pid}"]`);
    await failure.waitFor();
    expect(await failure.getByTestId('deck-failure-reason').innerText()).toContain('ANALYSER_DOWN');
    await screenshot(page, 'decks-page');

    // The pid links to the failed process's page, which shows the failure and the attempts.
    await failure.getByTestId('deck-failure-pid').click();
    await page.locator(`[data-testid="process-page"][data-pid="${broken.pid}"]`).waitFor();
    const stages = page.getByTestId('stage-progress');
    await stages.waitFor();
    expect(await stages.getAttribute('data-status')).toBe('failed');
    const shownFailure = page.getByTestId('stage-failure');
    expect(await shownFailure.getAttribute('data-code')).toBe('ANALYSER_DOWN');
    expect(await shownFailure.innerText()).toContain('at step 1 (dk_lab) after 2 attempt(s)');
    const outcomes = await page
      .locator('[data-testid="stage-hop"]')
      .evaluateAll((rows) => rows.map((r) => `${r.getAttribute('data-step')}:${r.getAttribute('data-outcome')}`));
    expect(outcomes).toEqual(['0:completed', '1:failed', '1:failed']);
    await screenshot(page, 'decks-failed-stage');

    // A finished run: every step done, the worker named.
    await page.goto(`/process/?pid=${digest.pid}`);
    await page.locator('[data-testid="stage-progress"][data-status="succeeded"]').waitFor();
    const steps = await page
      .locator('[data-testid="stage-step"]')
      .evaluateAll((els) => els.map((e) => `${e.getAttribute('data-deck')}:${e.getAttribute('data-status')}`));
    expect(steps).toEqual(['dk_lab:done']);
    expect(await page.getByTestId('stage-hop-worker').first().innerText()).toMatch(/:\d+$/);
    await screenshot(page, 'decks-stage-progress');
  });

  it('Bull Board opens with the Decks page’s session; without one the browser is sent to the Decks page', async () => {
    const { page, context } = await e2e.loginAdmin();
    await page.goto('/admin/decks/');
    await page.locator('[data-testid="bull-board-link"][data-ready="true"]').waitFor();
    expect(await page.getByTestId('bull-board-link').getAttribute('href')).toBe('/admin/queues/');
    const cookies = await context.cookies();
    expect(cookies.find((c) => c.name === 'opk_board')).toMatchObject({
      path: '/admin/queues',
      httpOnly: true,
      sameSite: 'Strict',
    });
    const board = await context.newPage();
    // Bull Board's page links a Google Fonts stylesheet; the test machines are offline (fonts fall back).
    await board.route('https://fonts.googleapis.com/**', (route) =>
      route.fulfill({ status: 200, contentType: 'text/css', body: '' }),
    );
    await board.goto('/admin/queues/');
    await board.getByText('Lab bench').first().waitFor({ timeout: 20_000 });
    await screenshot(board, 'decks-bull-board');
    await board.close();

    // A browser without the cookie: redirected to the Decks page; the board's API answers 401.
    await context.clearCookies();
    const res = await page.goto('/admin/queues/');
    expect(new URL(page.url()).pathname).toBe('/admin/decks/');
    expect(res?.ok()).toBe(true);
  });

  it('a nurse has no Decks link and the page refuses her', async () => {
    const { page } = await e2e.login('jiang');
    expect(await page.getByTestId('nav-decks').count()).toBe(0);
    await page.goto('/admin/decks/');
    await page.getByTestId('admin-forbidden').waitFor();
  });
});
