/**
 * The scheduler workspace in the browser: a design with SLAs, a room and a calendar is merged into the clinic
 * design (its own role, operator and services, so the clinic's staff and journeys are untouched). My tasks show
 * the SLA countdown (ticking; standing still while the task is suspended) and group Today / Overdue / Upcoming by
 * it; urgency and priority sort the list and update live; the monitor shows the queues, the breaches and the room,
 * and an admin changes a task's urgency there; on a 390×844 phone the monitor scrolls only inside its tables; the
 * Rooms page blocks and unblocks the room, books it from outside (409 BOOKING_CONFLICT said plainly) and cancels;
 * a task waiting for the busy room says so with its retry time; the Calendars page shows a week, holidays and
 * leaves, edits the week and adds a leave.
 */
import type { Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BookingView, CalendarView, LaneView, ProcessView, ResourceView } from '@opkernel/contracts';
import { ApiClient, e2eEnv, uniqueLabel } from './support/api';
import { screenshot } from './support/browser';
import { rawApi } from './support/session';
import { useE2E } from './support/suite';
import { taskRow, until, waitLive } from './support/ui';

const e2e = useE2E();

const ROLE = 'sw_desk';
const AMY = { key: 'sw_amy', username: 'sw_amy', label: 'Amy Wong', password: 'sw_amy-e2e-password-1' };
const ROOM = { key: 'sw_room_a', label: 'Room A' };

/** Added to the clinic design (a merge: every clinic element stays as it is). */
const ADDITIONS = {
  schemaVersion: 1,
  calendars: [
    {
      key: 'sw_week',
      label: 'Desk week',
      tz: 'Asia/Shanghai',
      attendances: [
        { days: [1, 2, 3, 4, 5], from: '09:00', to: '12:00' },
        { days: [1, 2, 3, 4, 5], from: '13:00', to: '17:00' },
      ],
      holidays: ['2026-12-25'],
    },
  ],
  slas: [
    { key: 'sw_fast', label: 'Call back', goal: 'PT10M', deadline: 'PT20M' },
    { key: 'sw_blink', label: 'At once', deadline: 'PT2S', urgency: { goal: 0, deadline: 30, passed: 0 } },
    { key: 'sw_biz', label: 'Business days', calendar: 'sw_week', deadline: 'PT8H' },
  ],
  resourceTypes: [{ key: 'sw_room', label: 'Treatment room', usage: 'tdm' }],
  resources: [
    { key: ROOM.key, label: ROOM.label, type: 'sw_room', capacity: 2 },
    { key: 'sw_laser', label: 'Laser', type: 'sw_room', capacity: 1, calendar: 'sw_week' },
  ],
  services: [
    { key: 'sw_call', label: 'Call back', kind: 'manual', routeTo: ROLE, manualStart: true, sla: 'sw_fast' },
    { key: 'sw_rush', label: 'Rush order', kind: 'manual', routeTo: ROLE, manualStart: true, sla: 'sw_blink' },
    { key: 'sw_plain', label: 'Paperwork', kind: 'manual', routeTo: ROLE, manualStart: true },
    {
      key: 'sw_scan',
      label: 'Room scan',
      kind: 'manual',
      routeTo: ROLE,
      manualStart: true,
      expectedDuration: 'PT30M',
      resourceRequirements: [{ resourceType: 'sw_room', quantity: 1 }],
    },
  ],
  roles: [{ key: ROLE, label: 'Front desk', services: ['sw_call', 'sw_rush', 'sw_plain', 'sw_scan'] }],
  operators: [{ key: AMY.key, label: AMY.label, username: AMY.username, roles: [ROLE], staff: true }],
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const pad = (n: number) => String(n).padStart(2, '0');
const localDate = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
const localTime = (d: Date) => `${pad(d.getHours())}:${pad(d.getMinutes())}`;

/** Pids of the `task-row`s inside `group` of My tasks, in the order shown. */
async function pidsIn(page: Page, group: string): Promise<number[]> {
  const ids = await page
    .locator(`[data-testid="list-mine"] [data-testid="${group}"] [data-testid="task-row"]`)
    .evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-pid'))));
  return ids;
}

/** The `sla-clock` of a row. */
const clockOf = (row: Locator) => row.getByTestId('sla-clock');

describe('scheduler workspace', () => {
  let admin: ApiClient;
  let amy: ApiClient;

  /** Starts a task of `service` as the admin (it waits in the Front desk pool); `claim`: Amy takes it. */
  async function task(
    service: string,
    options: { claim?: boolean; priority?: number; scheduledAt?: string; deadline?: string } = {},
  ): Promise<ProcessView> {
    const { claim, ...body } = options;
    const p = await admin.post<ProcessView>('/v1/processes', {
      service,
      entity: { type: 'SwCase', label: uniqueLabel('case') },
      ...body,
    });
    if (claim) return amy.post<ProcessView>(`/v1/processes/${p.pid}/claim`);
    return p;
  }

  const view = (pid: number) => admin.get<ProcessView>(`/v1/processes/${pid}`);
  const amyPage = async () => (await e2e.browser.operator(AMY.username, AMY.password)).page;

  beforeAll(async () => {
    admin = e2e.clinic.admin;
    const current = await admin.get<{ name: string }>('/v1/designs/current');
    await admin.post('/v1/designs?format=native', { ...ADDITIONS, name: current.name });
    await admin.put(`/v1/operators/${AMY.key}/password`, { password: AMY.password });
    amy = await ApiClient.login(e2eEnv().baseURL, AMY.username, AMY.password);
  });

  it('My tasks: the SLA counts down (not while suspended) and drives Today / Overdue / Upcoming, live', async () => {
    const call = await task('sw_call', { claim: true });
    const rush = await task('sw_rush', { claim: true });
    const later = await task('sw_plain', {
      claim: true,
      scheduledAt: new Date(Date.now() + 3 * 86_400_000).toISOString(),
    });
    const late = await task('sw_plain', { claim: true, deadline: new Date(Date.now() - 60_000).toISOString() });
    const clock = (await view(call.pid)).sla;
    expect(clock).toMatchObject({ sla: 'sw_fast', status: 'running', nextMilestone: 'goal', goalMs: 600_000 });
    expect(clock?.goalAt).not.toBeNull();

    const page = await amyPage();
    await waitLive(page);
    const callRow = taskRow(page, 'list-mine', call.pid);
    await callRow.waitFor({ state: 'visible' });
    // Due at its goal (in 10 minutes): today, unless that is past midnight.
    const tomorrow = new Date();
    tomorrow.setHours(24, 0, 0, 0);
    const callGroup = Date.parse(clock!.goalAt!) < tomorrow.getTime() ? 'group-today' : 'group-upcoming';
    expect(await page.locator(`[data-testid="${callGroup}"] [data-pid="${call.pid}"]`).count()).toBe(1);
    expect(await clockOf(callRow).getAttribute('data-status')).toBe('running');
    const first = await clockOf(callRow).innerText();
    expect(first).toMatch(/^Goal in (9 min( \d+ s)?|10 min)$/);
    await until(async () => (await clockOf(callRow).innerText()) !== first, true, 5_000); // it ticks

    // The rush order's 2-second deadline passes: the row moves to Overdue by itself (task.changed), more urgent.
    await page.locator(`[data-testid="group-overdue"] [data-pid="${rush.pid}"]`).waitFor({ timeout: 15_000 });
    const rushRow = taskRow(page, 'list-mine', rush.pid);
    await until(() => clockOf(rushRow).getAttribute('data-breached'), 'true');
    expect(await clockOf(rushRow).innerText()).toBe('Past its deadline');
    const rushNow = await view(rush.pid);
    expect(rushNow.sla?.breached).toBe(true);
    expect(rushNow.urgency).toBe(30);
    await until(() => rushRow.getByTestId('row-urgency').innerText(), '30');

    // Without an SLA: the deadline passed → Overdue; scheduled in three days → Upcoming.
    expect(await page.locator(`[data-testid="group-overdue"] [data-pid="${late.pid}"]`).count()).toBe(1);
    expect(await page.locator(`[data-testid="group-upcoming"] [data-pid="${later.pid}"]`).count()).toBe(1);
    expect(await taskRow(page, 'list-mine', later.pid).getByTestId('sla-clock').count()).toBe(0);
    await screenshot(page, 'scheduler-my-tasks');

    // Suspended, the clock pauses: the row says how much of the goal is used and stops ticking.
    await amy.post(`/v1/processes/${call.pid}/start`);
    await amy.post(`/v1/processes/${call.pid}/suspend`, { reason: 'customer asked to wait' });
    await until(() => clockOf(callRow).getAttribute('data-status'), 'paused');
    const paused = await clockOf(callRow).innerText();
    expect(paused).toMatch(/^Paused · \d+ s of 10 min used$/);
    expect((await view(call.pid)).sla).toMatchObject({ status: 'paused', goalAt: null, nextDueAt: null });
    await sleep(2_100);
    expect(await clockOf(callRow).innerText()).toBe(paused);
    await screenshot(page, 'scheduler-sla-paused');
    // Resumed, it counts down again.
    await amy.post(`/v1/processes/${call.pid}/resume`);
    await until(() => clockOf(callRow).getAttribute('data-status'), 'running');
    expect(await clockOf(callRow).innerText()).toMatch(/^Goal in /);
  });

  it('My tasks sort by urgency and by priority; an urgency change re-sorts the list live', async () => {
    const a = await task('sw_plain', { claim: true, priority: 3 });
    const b = await task('sw_plain', { claim: true, priority: 5 });
    const c = await task('sw_plain', { claim: true, priority: 1 });
    await admin.post(`/v1/processes/${a.pid}/urgency`, { set: 40, reason: 'customer called twice' });
    const ours = (pids: number[]) => pids.filter((p) => [a.pid, b.pid, c.pid].includes(p));

    const page = await amyPage();
    await waitLive(page);
    await taskRow(page, 'list-mine', c.pid).waitFor({ state: 'visible' });
    expect(await taskRow(page, 'list-mine', a.pid).getByTestId('row-urgency').innerText()).toBe('40');
    expect(await taskRow(page, 'list-mine', b.pid).getByTestId('row-priority').innerText()).toBe('5');

    await page.getByTestId('sort').selectOption('priority');
    expect(ours(await pidsIn(page, 'group-today'))).toEqual([b.pid, a.pid, c.pid]);
    await page.getByTestId('sort').selectOption('urgency');
    expect(ours(await pidsIn(page, 'group-today'))).toEqual([a.pid, b.pid, c.pid]);

    // The admin raises c above a: the row shows it and moves to the top without a reload.
    await admin.post(`/v1/processes/${c.pid}/urgency`, { set: 80, reason: 'VIP' });
    await until(() => taskRow(page, 'list-mine', c.pid).getAttribute('data-urgency'), '80');
    await until(async () => ours(await pidsIn(page, 'group-today')).join(), [c.pid, a.pid, b.pid].join());
    await screenshot(page, 'scheduler-sort-urgency');
  });

  it('the monitor shows the queues, the SLA breaches and the room; an admin changes a urgency there', async () => {
    const waiting = [await task('sw_call'), await task('sw_plain')];
    const lanes = await admin.get<LaneView[]>('/v1/scheduler/lanes');
    const lane = lanes.find((l) => l.role === ROLE);
    expect(lane?.depth).toBeGreaterThanOrEqual(2);
    expect(lane?.oldestQueuedAt).not.toBeNull();

    const { page } = await e2e.loginAdmin();
    await page.getByTestId('nav-monitor').click();
    await page.getByTestId('monitor-page').waitFor();
    await waitLive(page);
    const row = page.locator(`[data-testid="lane-row"][data-lane="${lane!.lane}"]`);
    await row.waitFor({ state: 'visible' });
    expect(await row.getByTestId('lane-depth').innerText()).toBe(String(lane!.depth));
    expect(await row.locator('th').innerText()).toBe('Front desk');
    expect(await row.getByTestId('lane-oldest').innerText()).toMatch(/\d+ (s|min|h|d)/);
    // A new task in the pool deepens the queue, live.
    const third = await task('sw_plain');
    await until(() => row.getAttribute('data-depth'), String(lane!.depth + 1));

    // A rush order breaches while the monitor is open: the milestone arrives live, and the task is listed.
    const rush = await task('sw_rush');
    const milestone = page.locator(`[data-testid="milestone-item"][data-pid="${rush.pid}"][data-milestone="deadline"]`);
    await milestone.waitFor({ state: 'visible', timeout: 15_000 });
    expect(await milestone.innerText()).toMatch(/Rush order #\d+\s+Deadline passed\s+urgency 0 → 30 · Pool$/);
    await page.locator(`[data-testid="breach-row"][data-pid="${rush.pid}"]`).waitFor({ state: 'visible' });

    // The breached rush order of the first test is listed; the room with its slots.
    const breached = (await admin.get<{ items: ProcessView[] }>('/v1/processes?service=sw_rush&limit=50')).items;
    const open = breached.find((p) => p.state !== 'TERMINATED' && p.sla?.breached);
    expect(open).toBeDefined();
    await page.locator(`[data-testid="breach-row"][data-pid="${open!.pid}"]`).waitFor({ state: 'visible' });
    const room = page.locator(`[data-testid="monitor-resource"][data-key="${ROOM.key}"]`);
    await room.waitFor({ state: 'visible' });
    expect(await room.locator('th').innerText()).toMatch(/^Room A/);
    expect(await room.getByTestId('resource-in-use').innerText()).toMatch(/^\d+ of 2$/);

    // Urgency: a number out of range is refused in the dialog; then set to 77 with a reason.
    const target = waiting[0]!;
    await page.getByTestId('monitor-search').fill(`#${target.pid}`);
    const monitorRow = page.locator(`[data-testid="monitor-row"][data-pid="${target.pid}"]`);
    await monitorRow.getByTestId('urgency-edit').click();
    await page.getByTestId('urgency-value').fill('150');
    await page.getByTestId('urgency-reason').fill('customer escalated');
    await page.getByTestId('confirm-ok').click();
    expect(await page.getByTestId('urgency-error').innerText()).toBe('Enter a whole number from 0 to 100.');
    await page.getByTestId('urgency-value').fill('77');
    await page.getByTestId('confirm-ok').click();
    await page.getByTestId('notice').waitFor({ state: 'visible' });
    expect(await page.getByTestId('notice').innerText()).toContain(`Call back #${target.pid} is now 77.`);
    await until(() => monitorRow.getAttribute('data-urgency'), '77');
    expect((await view(target.pid)).urgency).toBe(77);
    // Raised by 10 more.
    await monitorRow.getByTestId('urgency-edit').click();
    await page.getByTestId('urgency-mode-by').check();
    await page.getByTestId('urgency-value').fill('10');
    await page.getByTestId('urgency-reason').fill('still waiting');
    await page.getByTestId('confirm-ok').click();
    await until(() => monitorRow.getAttribute('data-urgency'), '87');
    expect((await view(target.pid)).urgency).toBe(87);
    await page.getByTestId('monitor-search').fill('');
    await screenshot(page, 'scheduler-monitor');
    for (const p of [...waiting, third, rush])
      await admin.post(`/v1/processes/${p.pid}/cancel`, { reason: 'test done' });
  });

  it('on a 390×844 phone the monitor and the rooms page do not scroll sideways', async () => {
    const { page } = await e2e.loginAdmin();
    await page.setViewportSize({ width: 390, height: 844 });
    for (const [path, ready] of [
      ['/monitor/', '[data-testid="monitor-resource"]'],
      ['/resources/', '[data-testid="day-view"]'],
    ] as const) {
      await page.goto(path);
      await page.locator(ready).first().waitFor({ state: 'visible' });
      await waitLive(page);
      const widths = await page.evaluate<{ page: number; body: number; viewport: number }>(
        '({ page: document.documentElement.scrollWidth, body: document.body.scrollWidth, viewport: window.innerWidth })',
      );
      expect(widths.page, path).toBeLessThanOrEqual(widths.viewport);
      expect(widths.body, path).toBeLessThanOrEqual(widths.viewport);
    }
    await page.goto('/monitor/');
    await page.locator('[data-testid="lane-row"], [data-testid="monitor-resource"]').first().waitFor();
    // The small tables stack their rows; the process table scrolls inside its own box.
    const styles = await page.evaluate<{ row: string; box: string }>(`(() => ({
      row: getComputedStyle(document.querySelector('[data-testid="monitor-resource"]')).display,
      box: getComputedStyle(document.querySelector('[data-testid="monitor-table"]').parentElement).overflowX,
    }))()`);
    expect(styles).toEqual({ row: 'block', box: 'auto' });
    await screenshot(page, 'scheduler-monitor-phone');
  });

  it('rooms: block and unblock, book from outside (a taken slot is a clear 409), cancel the booking', async () => {
    const { page } = await e2e.loginAdmin();
    e2e.browser.consoleErrors.allow(/Failed to load resource: the server responded with a status of 409/);
    await page.getByTestId('nav-resources').click();
    const card = page.locator(`[data-testid="resource-card"][data-key="${ROOM.key}"]`);
    await card.waitFor({ state: 'visible' });
    expect(await card.getAttribute('data-state')).toBe('available');
    expect(await card.locator('h3').innerText()).toBe(ROOM.label);

    await card.getByTestId('resource-block').click();
    await page.getByTestId('reason-input').fill('deep cleaning');
    await page.getByTestId('confirm-ok').click();
    await until(() => card.getAttribute('data-state'), 'blocked');
    expect((await admin.get<ResourceView>(`/v1/resources/${ROOM.key}`)).state).toBe('blocked');
    expect(await page.getByTestId('notice').innerText()).toContain('Room A is blocked.');
    await card.getByTestId('resource-unblock').click();
    await page.getByTestId('reason-input').fill('clean again');
    await page.getByTestId('confirm-ok').click();
    await until(() => card.getAttribute('data-state'), 'available');
    expect((await admin.get<ResourceView>(`/v1/resources/${ROOM.key}`)).state).toBe('available');

    // Book slot 1 for an hour from the next minute (tomorrow morning when that would cross midnight).
    let start = new Date(Math.ceil((Date.now() + 60_000) / 60_000) * 60_000);
    let end = new Date(start.getTime() + 3_600_000);
    if (localDate(end) !== localDate(start) || localTime(end) === '00:00') {
      start = new Date(start.getFullYear(), start.getMonth(), start.getDate() + 1, 9, 0);
      end = new Date(start.getTime() + 3_600_000);
    }
    const book = async (slot: string, note: string) => {
      await page.getByTestId('book-resource').selectOption(ROOM.key);
      await page.getByTestId('book-date').fill(localDate(start));
      await page.getByTestId('book-from').fill(localTime(start));
      await page.getByTestId('book-to').fill(localTime(end));
      await page.getByTestId('book-slot').selectOption(slot);
      await page.getByTestId('book-note').fill(note);
      await page.getByTestId('book-submit').click();
    };
    await book('0', 'team meeting');
    // The notice of the unblock is replaced by the booking's.
    await page
      .getByTestId('notice')
      .filter({ hasText: `Booked Room A ${localTime(start)}–${localTime(end)}, slot 1.` })
      .waitFor({ state: 'visible' });
    const day = page.locator(`[data-testid="day-resource"][data-key="${ROOM.key}"]`);
    const meeting = day.locator('[data-testid="booking"][data-slot="0"]', { hasText: 'team meeting' });
    await meeting.waitFor({ state: 'visible' });
    const stored = await admin.get<BookingView[]>(
      `/v1/resources/${ROOM.key}/bookings?from=${encodeURIComponent(start.toISOString())}&to=${encodeURIComponent(end.toISOString())}`,
    );
    const mine = stored.find((b) => b.note === 'team meeting');
    expect(mine).toMatchObject({ slot: 0, pid: null });
    expect(await meeting.getAttribute('data-id')).toBe(String(mine!.id));

    // The same slot at the same time: refused, and said so.
    await book('0', 'second meeting');
    const error = page.getByTestId('booking-error');
    await error.waitFor({ state: 'visible' });
    expect(await error.getAttribute('data-code')).toBe('BOOKING_CONFLICT');
    expect(await error.innerText()).toBe(
      `Room A is already booked then: no free slot from ${localTime(start)} to ${localTime(end)}. Choose another time or slot.`,
    );
    // The first free slot instead: slot 2.
    await book('', 'second meeting');
    await day.locator('[data-testid="booking"][data-slot="1"]', { hasText: 'second meeting' }).waitFor();
    await screenshot(page, 'scheduler-resources');

    // Cancel the first booking.
    await meeting.getByTestId('booking-cancel').click();
    await page.getByTestId('confirm-ok').click();
    await until(() => meeting.getAttribute('data-status'), 'cancelled');
    const after = await admin.get<BookingView[]>(
      `/v1/resources/${ROOM.key}/bookings?from=${encodeURIComponent(start.toISOString())}&to=${encodeURIComponent(end.toISOString())}`,
    );
    expect(after.find((b) => b.id === mine!.id)?.status).toBe('cancelled');
    const second = after.find((b) => b.note === 'second meeting');
    expect(second).toMatchObject({ slot: 1 });
    const gone = await rawApi(e2eEnv().baseURL, 'DELETE', `/v1/bookings/${second!.id}`, {
      token: admin.accessToken ?? undefined,
    });
    expect(gone.status).toBe(204);
  });

  it('a task waiting for the busy room says why and when it is tried again', async () => {
    const from = new Date(Date.now() - 60_000).toISOString();
    const to = new Date(Date.now() + 3_600_000).toISOString();
    const taken = [
      await admin.post<BookingView>(`/v1/resources/${ROOM.key}/bookings`, { from, to, slot: 0, note: 'held 1' }),
      await admin.post<BookingView>(`/v1/resources/${ROOM.key}/bookings`, { from, to, slot: 1, note: 'held 2' }),
    ];
    try {
      const scan = await task('sw_scan', { priority: 500 });
      // Amy asks for work: the scan ranks first but its room is busy, so it waits for the room.
      await amy.post('/v1/tasks/next', { start: false });
      const waiting = await e2e.clinic.waitForState(scan.pid, 'WAITING');
      expect(waiting.waitReason).toMatch(/^resource:/);

      const page = await amyPage();
      await page.getByTestId('nav-pool').click();
      const row = taskRow(page, 'list-pool', scan.pid);
      await row.waitFor({ state: 'visible' });
      const wait = row.getByTestId('wait-reason');
      expect(await wait.innerText()).toMatch(/^Waiting for a resource: Treatment room: booked/);
      expect(await wait.getAttribute('data-retry')).toBe(waiting.waitUntil ?? '');
      if (waiting.waitUntil) expect(await wait.innerText()).toMatch(/ · tried again .+$/);
      await screenshot(page, 'scheduler-resource-wait');
      await admin.post(`/v1/processes/${scan.pid}/cancel`, { reason: 'test done' });
    } finally {
      for (const b of taken)
        await rawApi(e2eEnv().baseURL, 'DELETE', `/v1/bookings/${b.id}`, { token: admin.accessToken ?? undefined });
    }
  });

  it('calendars: the week, holidays and leaves; edit the week; add a leave', async () => {
    const { page } = await e2e.loginAdmin();
    await page.getByTestId('nav-calendars').click();
    await page.getByTestId('calendars-page').waitFor();
    const item = page.locator('[data-testid="calendar-item"][data-key="sw_week"]');
    await item.locator('button').click();
    const detail = page.locator('[data-testid="calendar-detail"][data-key="sw_week"]');
    await detail.waitFor({ state: 'visible' });
    expect(await detail.locator('h2').innerText()).toBe('Desk week');
    expect(await detail.getByTestId('calendar-tz-shown').innerText()).toBe('Time zone: Asia/Shanghai');
    const day = (n: number) => detail.locator(`[data-testid="week-day"][data-day="${n}"]`);
    expect(await day(1).getAttribute('data-hours')).toBe('09:00-12:00,13:00-17:00');
    expect(await day(6).getAttribute('data-hours')).toBe('');
    expect(await day(6).innerText()).toContain('closed');
    expect(await detail.getByTestId('calendar-holiday').allInnerTexts()).toEqual(['2026-12-25']);
    await screenshot(page, 'scheduler-calendar');

    // Edit: Saturdays join the morning hours, New Year's Day becomes a holiday.
    await detail.getByTestId('calendar-edit').click();
    const form = detail.getByTestId('calendar-form');
    await form.getByTestId('attendance-row').first().getByTestId('attendance-day-6').check();
    await form.getByTestId('calendar-holidays').fill('2026-12-25\n2027-01-01');
    await form.getByTestId('calendar-save').click();
    await until(() => day(6).getAttribute('data-hours'), '09:00-12:00');
    expect(await detail.getByTestId('calendar-holiday').allInnerTexts()).toEqual(['2026-12-25', '2027-01-01']);
    const saved = await admin.get<CalendarView>('/v1/calendars/sw_week');
    expect(saved.attendances[0]!.days).toEqual([1, 2, 3, 4, 5, 6]);
    expect(saved.holidays).toEqual(['2026-12-25', '2027-01-01']);

    // A leave of the laser, which opens by this calendar.
    const leaveFrom = new Date(Date.now() + 2 * 86_400_000);
    leaveFrom.setHours(10, 0, 0, 0);
    const leaveTo = new Date(leaveFrom.getTime() + 2 * 3_600_000);
    const leave = detail.getByTestId('leave-form');
    await leave.getByTestId('leave-who').selectOption('resource:sw_laser');
    await leave.getByTestId('leave-from').fill(`${localDate(leaveFrom)}T${localTime(leaveFrom)}`);
    await leave.getByTestId('leave-to').fill(`${localDate(leaveTo)}T${localTime(leaveTo)}`);
    await leave.getByTestId('leave-reason').fill('annual service');
    await leave.getByTestId('leave-submit').click();
    const row = detail.getByTestId('calendar-leave').filter({ hasText: 'annual service' });
    await row.waitFor({ state: 'visible' });
    expect(await row.innerText()).toContain('Laser');
    const leaves = (await admin.get<CalendarView>('/v1/calendars/sw_week')).leaves;
    expect(leaves.find((l) => l.reason === 'annual service')).toMatchObject({
      resource: 'sw_laser',
      from: expect.any(String),
    });
    expect(Date.parse(leaves.find((l) => l.reason === 'annual service')!.from)).toBe(leaveFrom.getTime());
    await screenshot(page, 'scheduler-calendar-leave');

    // A new calendar: the default working week (Monday to Friday, 09:00–17:00) in UTC.
    await page.getByTestId('calendar-new').click();
    const create = page.getByTestId('calendar-form');
    await create.getByTestId('calendar-key').fill('sw_night');
    await create.getByTestId('calendar-label').fill('Night desk');
    await create.getByTestId('calendar-tz').fill('UTC');
    await create.getByTestId('attendance-from').fill('18:00');
    await create.getByTestId('attendance-to').fill('24:00');
    await create.getByTestId('calendar-save').click();
    const night = page.locator('[data-testid="calendar-detail"][data-key="sw_night"]');
    await night.waitFor({ state: 'visible' });
    expect(await night.locator('[data-testid="week-day"][data-day="3"]').getAttribute('data-hours')).toBe(
      '18:00-24:00',
    );
    expect(await page.locator('[data-testid="calendar-item"][data-key="sw_night"]').count()).toBe(1);
    expect(await admin.get<CalendarView>('/v1/calendars/sw_night')).toMatchObject({
      label: 'Night desk',
      timeZone: 'UTC',
      attendances: [{ days: [1, 2, 3, 4, 5], from: '18:00', to: '24:00' }],
    });
  });

  it('in Chinese: the countdown, the sort and the rooms speak Chinese', async () => {
    const call = await task('sw_call', { claim: true });
    const { page } = await e2e.browser.operator(AMY.username, AMY.password, { locale: 'zh-CN' });
    const row = taskRow(page, 'list-mine', call.pid);
    await row.waitFor({ state: 'visible' });
    expect(await clockOf(row).innerText()).toMatch(/^距目标 (9 分( \d+ 秒)?|10 分)$/);
    expect(await page.locator('[data-testid="sort"] option[value="urgency"]').innerText()).toBe('紧急度');
    await page.getByTestId('nav-resources').click();
    const card = page.locator(`[data-testid="resource-card"][data-key="${ROOM.key}"]`);
    expect(await card.getByTestId('resource-state').innerText()).toBe('可用');
    expect(await page.getByTestId('day-view').locator('.slot-label').first().innerText()).toBe('位置 1');
    await screenshot(page, 'scheduler-resources-zh');
  });

  it('staff see Rooms but not Calendars; the Calendars page refuses them', async () => {
    const page = await amyPage();
    await page.getByTestId('nav-resources').waitFor({ state: 'visible' });
    expect(await page.getByTestId('nav-calendars').count()).toBe(0);
    await page.goto('/admin/calendars/');
    await page.getByTestId('admin-forbidden').waitFor({ state: 'visible' });
    // Staff read the rooms but get no admin buttons.
    await page.goto('/resources/');
    await page.locator(`[data-testid="resource-card"][data-key="${ROOM.key}"]`).waitFor({ state: 'visible' });
    expect(await page.getByTestId('resource-block').count()).toBe(0);
    expect(await page.getByTestId('book-form').count()).toBe(0);
  });
});
