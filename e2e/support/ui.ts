import type { Locator, Page } from 'playwright-core';

/** Waits until the header's live indicator says the socket.io connection is up. */
export async function waitLive(page: Page, timeout = 15_000): Promise<void> {
  await page.locator('[data-testid="live-status"][data-connected="true"]').waitFor({ state: 'attached', timeout });
}

/** The `task-row` of process `pid`, inside the list `list` (`list-mine`, `list-pool`, an entity group …). */
export function taskRow(page: Page, list: string, pid: number): Locator {
  return page.locator(`[data-testid="${list}"] [data-testid="task-row"][data-pid="${pid}"]`);
}

/** Follows a task row's link to its task page and waits for that page. */
export async function openTaskFromRow(page: Page, row: Locator, pid: number): Promise<void> {
  await row.waitFor({ state: 'visible' });
  // The row is a link or holds one.
  await row.locator('xpath=self::a | descendant::a[contains(@href, "/task/")]').first().click();
  await waitTaskPage(page, pid);
}

/** Waits for the task page of `pid` (loaded: it carries its state). */
export async function waitTaskPage(page: Page, pid: number): Promise<void> {
  await page.locator(`[data-testid="task-page"][data-pid="${pid}"][data-state]`).waitFor({ state: 'visible' });
}

/** The task page's `data-state`. */
export function taskPageState(page: Page): Promise<string | null> {
  return page.getByTestId('task-page').getAttribute('data-state');
}

/** Clicks Start when the task page offers it (READY), and waits for RUNNING. */
export async function startIfNeeded(page: Page): Promise<void> {
  await page
    .locator('[data-testid="action-complete"], [data-testid="action-start"], [data-testid="action-suspend"]')
    .first()
    .waitFor({ state: 'visible' });
  const start = page.getByTestId('action-start');
  if (await start.isVisible()) {
    await start.click();
    await page.locator('[data-testid="task-page"][data-state="RUNNING"]').waitFor({ state: 'visible' });
  }
}

/** Completes the task shown on the task page (starting it first when it only offers Start). */
export async function completeTask(page: Page): Promise<void> {
  await page
    .locator('[data-testid="action-complete"], [data-testid="action-start"]')
    .first()
    .waitFor({ state: 'visible' });
  if (!(await page.getByTestId('action-complete').isVisible())) await startIfNeeded(page);
  await page.getByTestId('action-complete').click();
}

/** Suspends the task shown on the task page with `reason` (starting it first when needed). */
export async function suspendTask(page: Page, reason: string): Promise<void> {
  await page
    .locator('[data-testid="action-suspend"], [data-testid="action-start"]')
    .first()
    .waitFor({ state: 'visible' });
  if (!(await page.getByTestId('action-suspend').isVisible())) await startIfNeeded(page);
  await page.getByTestId('action-suspend').click();
  await page.getByTestId('reason-input').fill(reason);
  await page.getByTestId('confirm-ok').click();
}

/** Polls `read` until it returns `expected` (or throws after `timeout` ms with the last value). */
export async function until<T>(read: () => Promise<T>, expected: T, timeout = 10_000): Promise<void> {
  const deadline = Date.now() + timeout;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await read();
    if (last === expected) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`expected ${String(expected)}, still ${String(last)} after ${timeout} ms`);
}
