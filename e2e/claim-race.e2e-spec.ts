/**
 * Claim race: 小方 and 小蒋 both see 新预约 in their pool and click Claim at the same moment. The server
 * serialises the claims: exactly one owns the task, the other is told so (`notice`, role alert) and the row
 * leaves their list.
 */
import type { Route } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { STAFF, uniqueLabel } from './support/api';
import { screenshot } from './support/browser';
import { useE2E } from './support/suite';
import { taskRow, until, waitLive } from './support/ui';

const e2e = useE2E();

describe('claim race', () => {
  it('two operators claim the same pool task at once: one owner, the loser sees why and loses the row', async () => {
    const { clinic } = e2e;
    const journey = await clinic.startJourney(uniqueLabel('客户-race'));
    const booking = await clinic.openTask(journey, 'xin_yu_yue');
    expect(booking.assignee).toBe(STAFF.fang);
    await clinic.fang.post(`/v1/processes/${booking.pid}/unclaim`); // back to the 客服 pool
    const returned = await clinic.process(booking.pid);
    expect(returned.assignee).toBeNull();

    const sessions = [await e2e.login('fang'), await e2e.login('jiang')];
    for (const { page } of sessions) {
      await page.getByTestId('nav-pool').click();
      await waitLive(page);
      await page.getByTestId(`claim-${booking.pid}`).waitFor({ state: 'visible' });
    }

    // Hold each browser's claim request until both were sent, then let them go together: both clicks happen
    // before either page can learn (live) that the task was taken.
    const held: Route[] = [];
    let releaseAll!: () => void;
    const bothSent = new Promise<void>((resolve) => (releaseAll = resolve));
    for (const { page } of sessions) {
      await page.route(`**/api/v1/processes/${booking.pid}/claim`, async (route) => {
        held.push(route);
        if (held.length === 2) releaseAll();
        await Promise.race([bothSent, new Promise((resolve) => setTimeout(resolve, 10_000))]);
        await route.continue();
      });
    }
    // The loser's refused request is logged by the browser itself.
    e2e.browser.consoleErrors.allow(/Failed to load resource: the server responded with a status of 409/);
    await Promise.all(sessions.map(({ page }) => page.getByTestId(`claim-${booking.pid}`).click()));
    await bothSent;

    let owner: string | null = null;
    await until(async () => (owner = (await clinic.process(booking.pid)).assignee) !== null, true);
    expect([STAFF.fang, STAFF.jiang]).toContain(owner);
    const events = await clinic.events(booking.pid);
    const unclaimed = events.findLast((e) => e.action === 'unclaimed')!;
    const claims = events.filter((e) => e.action === 'claimed' && e.id > unclaimed.id);
    expect(claims.map((e) => e.actor)).toEqual([owner]);

    const loser = owner === STAFF.fang ? sessions[1]! : sessions[0]!;
    const winner = owner === STAFF.fang ? sessions[0]! : sessions[1]!;
    const notice = loser.page.getByTestId('notice');
    await notice.waitFor({ state: 'visible', timeout: 5_000 });
    const message = (await notice.innerText()).replace(/×/g, '').trim(); // without the close button
    expect(message.length).toBeGreaterThan(5);
    expect(await notice.getAttribute('role')).toBe('alert');
    await until(() => taskRow(loser.page, 'list-pool', booking.pid).count(), 0, 5_000);
    await until(() => taskRow(winner.page, 'list-pool', booking.pid).count(), 0, 5_000);
    await screenshot(loser.page, `claim-race-loser-${loser.username}`);
    await screenshot(winner.page, `claim-race-winner-${winner.username}`);
    console.log(`claim race: ${winner.username} won; ${loser.username} was told: ${message}`);
  });
});
