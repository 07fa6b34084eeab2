/**
 * Get next from My tasks: 小方 clicks **Next task** and gets the 新预约 waiting in her 客服 pool (its task page
 * opens, the task is hers), **Why this task?** explains the pull (mode, priority, queue); set Away, Next task
 * says why it hands out nothing; Available again. With every task of her queues taken, Next task says nothing is
 * waiting; with a full capacity, it says how much she carries. A task assigned when it was created has no
 * explanation, and the panel says so. Customers see none of it.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Availability, Explanation, NextTaskAnswer } from '@opkernel/contracts';
import { STAFF, uniqueLabel, type ApiClient } from './support/api';
import { screenshot, signIn } from './support/browser';
import { recordApi } from './support/session';
import { useE2E } from './support/suite';
import { taskRow, until, waitLive, waitTaskPage } from './support/ui';

const e2e = useE2E();

/** Takes every task waiting in `client`'s queues (POST /tasks/next until 204). @returns the pids taken */
async function drain(client: ApiClient): Promise<number[]> {
  const taken: number[] = [];
  for (let i = 0; i < 1000; i++) {
    const answer = await client.post<NextTaskAnswer | null>('/v1/tasks/next', { start: false });
    if (!answer) return taken;
    taken.push(answer.process.pid);
  }
  throw new Error(`still tasks waiting after taking ${taken.length}`);
}

/** The `notice` text without its close button. */
async function noticeText(page: Page): Promise<string> {
  const notice = page.getByTestId('notice');
  await notice.waitFor({ state: 'visible' });
  return (await notice.innerText()).replace(/×/g, '').trim();
}

/** Clicks Next task and waits until a notice appears (the page stays on My tasks). */
async function nextTaskNotice(page: Page): Promise<{ text: string; role: string | null }> {
  await page.getByTestId('next-task').click();
  const text = await noticeText(page);
  return { text, role: await page.getByTestId('notice').getAttribute('role') };
}

const presenceOf = (page: Page) => page.getByTestId('presence-toggle').getAttribute('data-presence');

describe('next task', () => {
  beforeAll(async () => {
    await e2e.clinic.fang.put('/v1/me/presence', { status: 'available' });
  });
  afterAll(async () => {
    await e2e.clinic?.fang.put('/v1/me/presence', { status: 'available' });
  });

  it('Next task opens the waiting 新预约; Why this task? explains the pull; Away is refused; Available again', async () => {
    const { clinic } = e2e;
    const journey = await clinic.startJourney(uniqueLabel('客户-next'));
    const booking = await clinic.openTask(journey, 'xin_yu_yue');
    expect(booking.assignee).toBe(STAFF.fang);
    // Nothing else waits in 小方's queues (tasks other files left in the pool become hers) …
    await drain(clinic.fang);
    // … then her 新预约 goes back to the 客服 pool: it is the one task Next task can hand out.
    await clinic.fang.post(`/v1/processes/${booking.pid}/unclaim`);
    expect((await clinic.process(booking.pid)).assignee).toBeNull();
    const design = await clinic.admin.get<{ roles: { key: string; label: string }[] }>('/v1/designs/current');
    const keFu = design.roles.find((r) => r.key === 'ke_fu')?.label;
    expect(keFu).toBeTruthy(); // 客服: the queue is named by its role's label

    const { page } = await e2e.login('fang');
    await waitLive(page);
    await page.getByTestId('next-task').waitFor({ state: 'visible' });
    await until(() => presenceOf(page), 'available');

    await page.getByTestId('next-task').click();
    await waitTaskPage(page, booking.pid);
    expect(new URL(page.url()).searchParams.get('pid')).toBe(String(booking.pid));
    const got = await clinic.process(booking.pid);
    expect(got.assignee).toBe(STAFF.fang);
    expect(got.state).toBe('READY'); // assigned, not started
    expect(await page.getByTestId('task-assignee').innerText()).toContain('小方'); // her name, not her key
    expect(await page.getByTestId('next-task-got').innerText()).toContain(`#${booking.pid}`);

    // Why this task? — the answer of Next task, in words.
    expect(await page.getByTestId('explanation').count()).toBe(0); // closed until asked
    await page.getByTestId('why-this-task').click();
    const panel = page.locator('[data-testid="explanation"][data-status="loaded"]');
    await panel.waitFor({ state: 'visible' });
    expect(await panel.getAttribute('data-mode')).toBe('pull');
    expect(await page.getByTestId('explanation-mode').innerText()).toMatch(/Next task/);
    expect(await page.getByTestId('explanation-priority').innerText()).toBe(String(booking.priority));
    expect(await page.getByTestId('explanation-lane').innerText()).toBe(keFu);
    const stored = await clinic.fang.get<{ mode: string; explanation: { task: { pid: number } } }>(
      `/v1/processes/${booking.pid}/assignment-explanation`,
    );
    expect(stored.mode).toBe('pull');
    expect(stored.explanation.task.pid).toBe(booking.pid);
    await screenshot(page, 'next-task-why');

    // A reload forgets the notice; the panel reads the stored explanation (GET …/assignment-explanation).
    await page.reload();
    await waitTaskPage(page, booking.pid);
    expect(await page.getByTestId('why-this-task').count()).toBe(0);
    await page.getByTestId('explanation-toggle').click();
    await page.locator('[data-testid="explanation"][data-status="loaded"][data-mode="pull"]').waitFor();
    expect(await page.getByTestId('explanation-priority').innerText()).toBe(String(booking.priority));

    // The task is in My tasks.
    await page.getByTestId('nav-mine').click();
    await taskRow(page, 'list-mine', booking.pid).waitFor({ state: 'visible' });

    // Away: Next task hands out nothing and says why.
    await page.getByTestId('presence-toggle').click();
    await until(() => presenceOf(page), 'away');
    expect((await clinic.fang.get<Availability>('/v1/me/availability')).presence).toBe('away');
    e2e.browser.consoleErrors.allow(/Failed to load resource: the server responded with a status of 409/);
    const away = await nextTaskNotice(page);
    expect(away.text).toBe('You are set to away: set yourself available to get work.');
    expect(away.role).toBe('alert');
    expect(new URL(page.url()).pathname).toBe('/');
    await screenshot(page, 'next-task-away');

    // Available again.
    await page.getByTestId('presence-toggle').click();
    await until(() => presenceOf(page), 'available');
    expect((await clinic.fang.get<Availability>('/v1/me/availability')).presence).toBe('available');
  });

  it('with nothing left in her queues, Next task says nothing is waiting', async () => {
    const { clinic } = e2e;
    // Something waits first (so draining really takes it), then everything is taken.
    const journey = await clinic.startJourney(uniqueLabel('客户-next-none'));
    const booking = await clinic.openTask(journey, 'xin_yu_yue');
    await clinic.fang.post(`/v1/processes/${booking.pid}/unclaim`);
    expect(await drain(clinic.fang)).toContain(booking.pid);

    const { page } = await e2e.login('fang');
    await until(() => presenceOf(page), 'available');
    const none = await nextTaskNotice(page);
    expect(none.text).toBe('Nothing is waiting for you right now.');
    expect(none.role).toBe('status');
    expect(new URL(page.url()).pathname).toBe('/');
    await screenshot(page, 'next-task-none');
  });

  it('with a full capacity, Next task says how much she carries', async () => {
    const { clinic } = e2e;
    const before = await clinic.admin.get<Availability>(`/v1/operators/${STAFF.fang}/availability`);
    expect(before.load).toBeGreaterThan(0); // the tasks of the tests above
    await clinic.admin.put(`/v1/operators/${STAFF.fang}/capacity`, { capacity: 1 });
    try {
      const { page } = await e2e.login('fang');
      await until(() => presenceOf(page), 'available');
      const load = page.getByTestId('presence-load');
      await load.waitFor({ state: 'visible' });
      expect(await load.innerText()).toBe(`Carrying ${before.load} of 1`);
      e2e.browser.consoleErrors.allow(/Failed to load resource: the server responded with a status of 409/);
      const full = await nextTaskNotice(page);
      expect(full.text).toBe(`You already carry ${before.load} of 1: finish a task first.`);
      expect(full.role).toBe('alert');
    } finally {
      await clinic.admin.put(`/v1/operators/${STAFF.fang}/capacity`, { capacity: before.capacity });
    }
  });

  it('a task assigned when it was created has no explanation, and the panel says so', async () => {
    const { clinic } = e2e;
    const booking = await clinic.openTask(await clinic.startJourney(uniqueLabel('客户-next-spawn')), 'xin_yu_yue');
    expect(booking.assignee).toBe(STAFF.fang);

    const { page } = await e2e.login('fang');
    await page.goto(`/task/?pid=${booking.pid}`);
    await waitTaskPage(page, booking.pid);
    e2e.browser.consoleErrors.allow(/Failed to load resource: the server responded with a status of 404/);
    await page.getByTestId('explanation-toggle').click();
    const panel = page.locator('[data-testid="explanation"][data-status="none"]');
    await panel.waitFor({ state: 'visible' });
    expect(await panel.innerText()).toMatch(/^Assigned when the task was created/);
    expect(await page.getByTestId('explanation-priority').count()).toBe(0);
  });

  it('in Chinese: the button, the presence and the explanation speak Chinese', async () => {
    const { clinic } = e2e;
    const booking = await clinic.openTask(await clinic.startJourney(uniqueLabel('客户-next-zh')), 'xin_yu_yue');
    await drain(clinic.fang);
    await clinic.fang.post(`/v1/processes/${booking.pid}/unclaim`);

    const { page } = await e2e.login('fang', { locale: 'zh-CN' });
    await until(() => presenceOf(page), 'available');
    expect(await page.getByTestId('next-task').innerText()).toBe('下一个任务');
    expect(await page.getByTestId('presence-toggle').innerText()).toMatch(/^在岗/);
    await page.getByTestId('next-task').click();
    await waitTaskPage(page, booking.pid);
    await page.getByTestId('why-this-task').click();
    await page.locator('[data-testid="explanation"][data-mode="pull"]').waitFor();
    expect(await page.getByTestId('explanation-mode').innerText()).toBe('下一个任务（主动领取）');
    await screenshot(page, 'next-task-why-zh');
  });

  it('a customer sees neither Next task nor the presence toggle, and never asks for them', async () => {
    const { clinic } = e2e;
    const operators =
      await clinic.admin.get<{ key: string; username: string | null; staff: boolean; admin: boolean }[]>(
        '/v1/operators',
      );
    const customer = operators.find((o) => !o.staff && !o.admin && o.username);
    if (!customer?.username) throw new Error('the clinic design has no customer with a username');
    const password = 'customer-e2e-password-1';
    await clinic.admin.put(`/v1/operators/${encodeURIComponent(customer.key)}/password`, { password });

    // The API refuses customers their task list (403 GET /tasks/mine: they work no tasks); that is not ours.
    e2e.browser.consoleErrors.allow(/status of 403 .*\/api\/v1\/tasks\/mine\b/);
    const { page } = await e2e.browser.newContext('customer');
    const calls = recordApi(page);
    await signIn(page, customer.username, password);
    await page.locator('[data-testid="list-mine"][aria-busy="false"]').waitFor();
    await waitLive(page);
    expect(await page.getByTestId('next-task').count()).toBe(0);
    expect(await page.getByTestId('presence-toggle').count()).toBe(0);
    expect(calls.count('/api/v1/me/availability')).toBe(0);
    // The same page does show both to staff (so the checks above can fail).
    const fang = await e2e.login('fang');
    await fang.page.getByTestId('presence-toggle').waitFor({ state: 'visible' });
    expect(await fang.page.getByTestId('next-task').count()).toBe(1);
  });

  it('the panel words what was compared: skills, workload and the tasks it beat (and why)', async () => {
    const { clinic } = e2e;
    const booking = await clinic.openTask(await clinic.startJourney(uniqueLabel('客户-next-words')), 'xin_yu_yue');
    // An explanation with everything in it (the clinic design has no skills or resources to produce one).
    const explanation: Explanation = {
      mode: 'pull',
      operator: STAFF.fang,
      lane: 'ke_fu|laser>=3',
      task: { pid: booking.pid, priority: 40, urgency: 25, agingPoints: 1.5, effectivePoints: 66.5, class: 0, rank: 1 },
      fairness: { key: '', weight: 1, tag: 1 },
      skills: [{ skill: 'laser', required: 3, level: 4, met: true }],
      capacity: { loadBefore: 2, weight: 1, capacity: 5 },
      availability: { presence: 'available', onShift: true, shiftEndsAt: null },
      resources: [],
      alternatives: [
        { pid: 90001, effectivePoints: 12, lostOn: 'rank' },
        { pid: 90002, effectivePoints: 80, lostOn: 'weight' },
        { pid: 90003, effectivePoints: 70, lostOn: 'resources' },
      ],
      candidatesConsidered: 4,
      deferred: [],
      at: Date.now(),
    };
    const { page } = await e2e.login('fang');
    await page.route(`**/api/v1/processes/${booking.pid}/assignment-explanation`, (route) =>
      route.fulfill({
        json: { pid: booking.pid, operator: STAFF.fang, mode: 'pull', at: new Date().toISOString(), explanation },
      }),
    );
    await page.goto(`/task/?pid=${booking.pid}`);
    await waitTaskPage(page, booking.pid);
    await page.getByTestId('explanation-toggle').click();
    const panel = page.locator('[data-testid="explanation"][data-status="loaded"]');
    await panel.waitFor({ state: 'visible' });
    expect(await page.getByTestId('explanation-priority').innerText()).toBe('40');
    expect(await page.getByTestId('explanation-points').innerText()).toMatch(/^66\.5 points/);
    expect(await page.getByTestId('explanation-lane').innerText()).toMatch(/ · laser ≥ 3$/);
    const text = await panel.innerText();
    expect(text).toContain('laser: level 4, needs 3 ✓');
    expect(text).toContain('carried 2 of 5 before; this task weighs 1');
    expect(text).toContain('1.5 points'); // waiting
    expect(text).toContain('Tasks compared: 4');
    const rows = page.getByTestId('explanation-alternative');
    expect(await rows.count()).toBe(3);
    expect(await rows.nth(0).innerText()).toBe('#90001 12 points — ranked behind it');
    expect(await rows.nth(1).innerText()).toBe('#90002 80 points — too heavy for the capacity left');
    expect(await rows.nth(2).innerText()).toBe('#90003 70 points — a resource it needs was not free');
    expect(await page.getByTestId('explanation-earlier').count()).toBe(0); // it is hers
    await screenshot(page, 'next-task-why-words');
  });
});
