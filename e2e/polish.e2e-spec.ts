/**
 * Daily-use polish of the operator app (issue 8 §4): people by name and events in words (never `xiao_fang`,
 * `rule.fired`); a customer found by name or phone, whose page shows their data; a notice when the live
 * connection drops and when it is back; static assets precompressed and cached immutably; and no serious or
 * critical accessibility violation (axe-core: contrast, names, roles) on the main pages.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { Page, WebSocketRoute } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { sampleForm } from '../apps/api/src/journey/sample-form';
import { STAFF, staffPassword, uniqueLabel, type Journey, type Task } from './support/api';
import { screenshot, signIn } from './support/browser';
import { ROOT } from './support/paths';
import { useE2E } from './support/suite';
import { taskRow, until, waitLive, waitTaskPage } from './support/ui';

const e2e = useE2E();
const AXE_SOURCE = readFileSync(path.join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
/** Operator keys and audit action keys that must never reach the screen. */
const KEYS = [...Object.values(STAFF), 'rule.fired', 'form.submitted', 'rule.error', 'deadline.passed'];

/** Text the page shows (innerText: what a person reads, not attributes). */
const shownText = (page: Page) => page.locator('body').innerText();

/** Waits until list animations (fade-ins) are over, so axe sees final colours. */
const settle = (page: Page) =>
  page.evaluate('Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined)))');

type AxeNode = { target: string[]; failureSummary?: string };
type AxeViolation = { id: string; impact: string | null; help: string; nodes: AxeNode[] };

/** Runs axe-core on the page as it is; @returns the serious and critical violations, one line per node. */
async function axeViolations(page: Page): Promise<string[]> {
  await page.waitForTimeout(400); // rows that arrive late (timeline, live) fade in for 180 ms
  await settle(page);
  if (!(await page.evaluate('typeof window.axe !== "undefined"'))) await page.addScriptTag({ content: AXE_SOURCE });
  const violations = await page.evaluate<AxeViolation[]>(
    `window.axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations)`,
  );
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) =>
      v.nodes.map((n) => `${v.impact} ${v.id} (${v.help}): ${n.target.join(' ')} — ${n.failureSummary ?? ''}`),
    );
}

/** One raw HTTP GET (no decoding): status, headers and the bytes as sent. */
function rawGet(url: string, acceptEncoding: string) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; bytes: number }>((resolve, reject) => {
    const req = http.get(url, { headers: { 'accept-encoding': acceptEncoding } }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, bytes }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

describe('daily-use polish', () => {
  let journey: Journey;
  let booking: Task; // 新预约, completed by 小方 with a phone number
  let phoneKey: string;
  const phone = `139${String(Date.now()).slice(-8)}`;

  beforeAll(async () => {
    const { clinic } = e2e;
    journey = await clinic.startJourney(uniqueLabel('顾客-polish'));
    booking = await clinic.openTask(journey, 'xin_yu_yue');
    const form = (await clinic.form('xin_yu_yue')) as { properties: Record<string, { title?: string }> };
    phoneKey = Object.entries(form.properties).find(([, p]) => p.title === '电话')![0];
    await clinic.fang.post(`/v1/processes/${booking.pid}/complete`, {
      form: { ...sampleForm(form), [phoneKey]: phone },
    });
    await clinic.advanceTo(journey, 'jian_kang_diao_cha');
  });

  it('names, never keys, and events in words: process page, entity timeline, task page, monitor', async () => {
    const { page } = await e2e.login('fang');
    await page.goto(`/process/?pid=${journey.root.pid}`);
    await page.getByTestId('audit-item').first().waitFor({ state: 'attached' });
    // The journey's audit trail has rule steps: in words, by the system; 小方's rows by name.
    expect(await page.locator('[data-testid="audit-item"][data-action="rule.fired"]').count()).toBeGreaterThan(0);
    const rule = page.locator('[data-testid="audit-item"][data-action="rule.fired"] .action-name').first();
    expect(await rule.innerText()).toBe('Rule fired');
    expect(await page.getByTestId('audit-actor').allInnerTexts()).toContain('by 小方');
    let text = await shownText(page);
    for (const key of KEYS) expect(text, key).not.toContain(key);

    await page.goto(`/process/?pid=${booking.pid}`);
    await page.locator('[data-testid="audit-item"][data-action="form.submitted"]').waitFor({ state: 'attached' });
    expect(await page.locator('[data-action="form.submitted"] .action-name').innerText()).toBe('Form submitted');
    text = await shownText(page);
    expect(text).toContain('小方'); // assignee and "started by"
    for (const key of KEYS) expect(text, key).not.toContain(key);

    const { type, id } = journey.entity;
    await page.goto(`/entity/?type=${encodeURIComponent(type)}&id=${encodeURIComponent(id)}`);
    await page.getByTestId('timeline-item').first().waitFor({ state: 'attached' });
    await until(async () => (await page.getByTestId('timeline-actor').allInnerTexts()).includes('by 小方'), true);
    text = await shownText(page);
    for (const key of [...KEYS, id]) expect(text, key).not.toContain(key);

    const survey = await e2e.clinic.openTask(journey, 'jian_kang_diao_cha');
    await page.goto(`/task/?pid=${survey.pid}`);
    await waitTaskPage(page, survey.pid);
    expect(await page.getByTestId('task-assignee').innerText()).toBe('小方');

    const zh = await e2e.login('fang', { locale: 'zh-CN' });
    await zh.page.goto(`/process/?pid=${journey.root.pid}`);
    await zh.page.locator('[data-action="rule.fired"] .action-name').first().waitFor({ state: 'attached' });
    expect(await zh.page.locator('[data-action="rule.fired"] .action-name').first().innerText()).toBe('规则触发');

    const admin = await e2e.loginAdmin();
    await admin.page.getByTestId('nav-monitor').click();
    const row = admin.page.locator(`[data-testid="monitor-row"][data-pid="${survey.pid}"]`);
    await row.waitFor({ state: 'attached' });
    expect(await row.innerText()).toContain('小方');
    text = await shownText(admin.page);
    for (const key of KEYS) expect(text, key).not.toContain(key);
  });

  it('a customer is found by name and by part of the phone; their page shows their data', async () => {
    const { page } = await e2e.login('fang');
    await page.getByTestId('nav-customers').click();
    await page.getByTestId('customers-page').waitFor();
    await page.getByTestId('customer-search').fill(phone.slice(3, 10));
    await page.getByTestId('customer-search-submit').click();
    const hit = page.locator(`[data-testid="customer-hit"][data-id="${journey.entity.id}"]`);
    await hit.waitFor({ state: 'visible' });
    expect(await hit.innerText()).toContain(journey.label);
    expect(await hit.innerText()).toContain(`电话: ${phone}`);
    await screenshot(page, 'polish-customer-search');

    // By name, from the address (the search is kept in `?q=`).
    await page.goto(`/customers/?q=${encodeURIComponent(journey.label.slice(0, 12))}`);
    await hit.waitFor({ state: 'visible' });
    await page.getByTestId('customer-search').fill('no-such-customer-xyz');
    await page.getByTestId('customer-search-submit').click();
    await page.getByTestId('customer-none').waitFor({ state: 'visible' });

    await page.goBack();
    await hit.locator('a').click();
    await page.getByTestId('entity-page').waitFor();
    // Each field shows its latest value: the phone of the form changed last (a later 维护客户档案 overrides it).
    const groups = await e2e.clinic.entityTasks(journey.entity);
    const latest = [...groups.done]
      .filter((p) => p.formData && phoneKey in p.formData)
      .sort((a, b) => Date.parse(a.updatedAt) - Date.parse(b.updatedAt))
      .at(-1)!;
    const field = page.locator(`[data-testid="customer-field"][data-field="${phoneKey}"]`);
    await field.waitFor({ state: 'visible' });
    expect(await field.innerText()).toContain(String(latest.formData![phoneKey]));
    expect(await field.innerText()).toContain(`电话\n`); // the field's title from the form
    expect(await field.innerText()).toContain(latest.serviceLabel);

    // A form submitted meanwhile (健康调查 asks for the phone too) shows without a reload.
    const survey = await e2e.clinic.openTask(journey, 'jian_kang_diao_cha');
    const surveyForm = await e2e.clinic.form('jian_kang_diao_cha');
    expect(Object.keys(surveyForm['properties'] as object)).toContain(phoneKey);
    const newPhone = `138${String(Date.now()).slice(-8)}`;
    await e2e.clinic.fang.post(`/v1/processes/${survey.pid}/complete`, {
      form: { ...sampleForm(surveyForm), [phoneKey]: newPhone },
    });
    await until(async () => (await field.innerText()).includes(newPhone), true);
    await screenshot(page, 'polish-customer-data');
  });

  it('a notice says when the live connection drops and when it is back; what changed meanwhile shows', async () => {
    const { context, page } = await e2e.browser.newContext('fang-offline');
    let down = false;
    const sockets: WebSocketRoute[] = [];
    // The socket goes through the test: it can be cut, and refused while "down" (polling too).
    await context.routeWebSocket(/\/socket\.io\//, (ws) => {
      if (down) return void ws.close({ code: 1006 }).catch(() => undefined);
      ws.connectToServer();
      sockets.push(ws);
    });
    await context.route(/\/socket\.io\//, (route) => (down ? route.abort() : route.continue()));
    e2e.browser.consoleErrors.allow(/socket\.io|ERR_FAILED|WebSocket/);
    await signIn(page, 'fang', staffPassword('fang'));
    await page.getByTestId('list-mine').waitFor();
    await waitLive(page);
    expect(await page.getByTestId('connection-notice').count()).toBe(0);

    down = true;
    for (const ws of sockets.splice(0)) await ws.close({ code: 1006 }).catch(() => undefined);
    const notice = page.getByTestId('connection-notice');
    await page.locator('[data-testid="connection-notice"][data-kind="lost"]').waitFor({ state: 'visible' });
    expect(await notice.getAttribute('role')).toBe('alert');
    expect(await notice.innerText()).toMatch(/connection lost/i);
    await screenshot(page, 'polish-connection-lost');

    // A task for 小方 while the socket is down …
    const other = await e2e.clinic.startJourney(uniqueLabel('顾客-offline'));
    const task = await e2e.clinic.openTask(other, 'xin_yu_yue');
    down = false;
    await page
      .locator('[data-testid="connection-notice"][data-kind="back"]')
      .waitFor({ state: 'visible', timeout: 20_000 });
    expect(await notice.innerText()).toMatch(/restored/i);
    await waitLive(page);
    // … is in the list after the reconnect's resync.
    await taskRow(page, 'list-mine', task.pid).waitFor({ state: 'visible' });
    await page.getByTestId('connection-notice').waitFor({ state: 'detached', timeout: 15_000 });
  });

  it('static assets: brotli/gzip precompressed, hashed ones cached immutably, HTML revalidated', async () => {
    const base = e2e.clinic.baseURL;
    const html = await rawGet(`${base}/login/`, 'br, gzip');
    expect(html.status).toBe(200);
    expect(html.headers['content-encoding']).toBe('br');
    expect(html.headers['cache-control']).toBe('no-cache');
    expect(html.headers['vary']).toMatch(/accept-encoding/i);

    const page = await (await fetch(`${base}/login/`)).text();
    const scripts = [...new Set([...page.matchAll(/\/_next\/static\/[^"'\s]+?\.js/g)].map((m) => m[0]))];
    expect(scripts.length).toBeGreaterThan(0);
    let plain = 0;
    let brotli = 0;
    let gzip = 0;
    for (const path of scripts) {
      const br = await rawGet(`${base}${path}`, 'gzip, deflate, br');
      expect(br.status, path).toBe(200);
      expect(br.headers['cache-control'], path).toBe('public, max-age=31536000, immutable');
      const raw = await rawGet(`${base}${path}`, 'identity');
      expect(raw.headers['content-encoding'], path).toBeUndefined();
      plain += raw.bytes;
      if (raw.bytes < 1024) continue; // too small to be worth compressing
      expect(br.headers['content-encoding'], path).toBe('br');
      const gz = await rawGet(`${base}${path}`, 'gzip');
      expect(gz.headers['content-encoding'], path).toBe('gzip');
      brotli += br.bytes;
      gzip += gz.bytes;
    }
    expect(brotli).toBeLessThan(plain / 2);
    console.log(
      `[polish] JavaScript of /login/: ${scripts.length} files, ${Math.round(plain / 1024)} KiB uncompressed → ` +
        `${Math.round(brotli / 1024)} KiB brotli (${Math.round(gzip / 1024)} KiB gzip)`,
    );
  });

  describe('accessibility (axe-core): no serious or critical violation', () => {
    const check = async (page: Page, name: string) => {
      const found = await axeViolations(page);
      if (found.length > 0) await screenshot(page, `axe-${name}`);
      expect(found, name).toEqual([]);
    };

    it('login, my tasks, pool, task page, customers, entity and process pages', async () => {
      const anonymous = await e2e.browser.newContext('axe-anonymous');
      await anonymous.page.goto('/login/');
      await anonymous.page.getByTestId('login-submit').waitFor();
      await check(anonymous.page, 'login');

      const { page } = await e2e.login('fang');
      await page.getByTestId('list-mine').waitFor();
      await waitLive(page);
      await page.getByTestId('task-row').first().waitFor();
      await check(page, 'mine');

      const task = await e2e.clinic.openTask(await e2e.clinic.startJourney(uniqueLabel('顾客-axe')), 'xin_yu_yue');
      await page.goto(`/task/?pid=${task.pid}`);
      await waitTaskPage(page, task.pid);
      await page.locator('[data-testid="task-page"] form').waitFor();
      await check(page, 'task');

      const { type, id } = journey.entity;
      await page.goto(`/entity/?type=${encodeURIComponent(type)}&id=${encodeURIComponent(id)}`);
      await page.getByTestId('customer-field').first().waitFor();
      await page.getByTestId('timeline-item').first().waitFor({ state: 'attached' });
      await check(page, 'entity');

      await page.goto(`/process/?pid=${journey.root.pid}`);
      await page.getByTestId('audit-item').first().waitFor({ state: 'attached' });
      await check(page, 'process');

      await page.goto(`/customers/?q=${encodeURIComponent(phone.slice(3))}`);
      await page.getByTestId('customer-hit').first().waitFor();
      await check(page, 'customers');

      const chen = await e2e.login('chen');
      await chen.page.getByTestId('nav-pool').click();
      await chen.page.getByTestId('list-pool').waitFor();
      await waitLive(chen.page);
      await check(chen.page, 'pool');
    });

    it('monitor and the admin pages', async () => {
      const { page } = await e2e.loginAdmin();
      await page.getByTestId('nav-monitor').click();
      await page.getByTestId('monitor-row').first().waitFor({ state: 'attached' });
      await waitLive(page);
      await check(page, 'monitor');
      await page.getByTestId('nav-staff').click();
      await page.getByTestId('staff-row').first().waitFor();
      await check(page, 'admin-staff');
      await page.getByTestId('nav-api-tokens').click();
      await page.getByTestId('api-token-create').waitFor();
      await check(page, 'admin-api-tokens');
    });
  });
});
