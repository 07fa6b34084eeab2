/**
 * Form validation on 新预约's task page (its form is the service's JSON Schema, rendered by @rjsf/core): a value
 * the schema forbids in the integer field is refused at that field — the task stays open and the other values
 * typed into the form stay there — and the server's own 422 for a field lands at that field too.
 */
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { uniqueLabel, type Clinic } from './support/api';
import { screenshot } from './support/browser';
import { useE2E } from './support/suite';
import { startIfNeeded, waitTaskPage } from './support/ui';

const e2e = useE2E();

type Field = { key: string; title: string };

/** The integer field and two text fields of 新预约's form, read from the current design. */
async function bookingFields(clinic: Clinic): Promise<{ integer: Field; texts: Field[] }> {
  const form = await clinic.form('xin_yu_yue');
  const props = Object.entries(
    form['properties'] as Record<string, { type?: string; title?: string; format?: string; enum?: unknown }>,
  );
  const integer = props.find(([, p]) => p.type === 'integer');
  if (!integer) throw new Error('新预约 has no integer field');
  const texts = props.filter(([, p]) => p.type === 'string' && !p.format && !p.enum && !('x-ref' in p)).slice(0, 2);
  const field = ([key, p]: [string, { title?: string }]) => ({ key, title: p.title ?? key });
  return { integer: field(integer), texts: texts.map(field) };
}

/** The input of a form field, found by its label (the schema title). */
const input = (page: Page, field: Field): Locator => page.getByLabel(field.title, { exact: true });

/**
 * The field's container: the nearest element around its input that holds an rjsf `.error-detail`; it must hold
 * no other form control (so the message is at this field, not at the form's top).
 */
async function errorAtField(page: Page, field: Field): Promise<string> {
  const container = input(page, field).locator(
    'xpath=ancestor::*[descendant::*[contains(concat(" ", normalize-space(@class), " "), " error-detail ")]][1]',
  );
  await container.waitFor({ state: 'attached', timeout: 10_000 });
  expect(await container.locator('input, select, textarea').count()).toBe(1);
  return (await container.locator('.error-detail').innerText()).trim();
}

async function openBooking(label: string) {
  const journey = await e2e.clinic.startJourney(uniqueLabel(label));
  const booking = await e2e.clinic.openTask(journey, 'xin_yu_yue');
  const fang = await e2e.login('fang');
  await fang.page.goto(`/task/?pid=${booking.pid}`);
  await waitTaskPage(fang.page, booking.pid);
  await startIfNeeded(fang.page);
  return { journey, booking, page: fang.page };
}

describe('form validation', () => {
  it('a non-integer in the integer field is refused at the field; the task stays open, the other values stay', async () => {
    const { clinic } = e2e;
    const { integer, texts } = await bookingFields(clinic);
    const { booking, page } = await openBooking('客户-form');
    const completes: number[] = [];
    page.on('response', (r) => {
      if (r.url().endsWith(`/processes/${booking.pid}/complete`)) completes.push(r.status());
    });
    e2e.browser.consoleErrors.allow(/Failed to load resource: the server responded with a status of 422/);

    const typed = ['张三 E2E', '13800138000'];
    for (const [i, field] of texts.entries()) await input(page, field).fill(typed[i]!);
    await input(page, integer).fill('1.5');
    await page.getByTestId('action-complete').click();

    const message = await errorAtField(page, integer);
    expect(message).not.toBe('');
    expect(await page.getByTestId('task-page').getAttribute('data-state')).not.toBe('TERMINATED');
    expect(completes.every((status) => status === 422)).toBe(true);
    expect((await clinic.process(booking.pid)).state).not.toBe('TERMINATED');
    for (const [i, field] of texts.entries()) expect(await input(page, field).inputValue()).toBe(typed[i]);
    expect(await input(page, integer).inputValue()).toBe('1.5');
    await screenshot(page, 'form-validation-integer');
    console.log(
      `form validation: "${message}" at ${integer.title} (${completes.length ? `server answered ${completes.join(', ')}` : 'refused before sending'})`,
    );

    // Corrected, the same form completes the task with the values typed before.
    await input(page, integer).fill('30');
    await page.getByTestId('action-complete').click();
    const done = await clinic.waitForState(booking.pid, 'TERMINATED');
    expect(done.formData).toMatchObject({ [integer.key]: 30, [texts[0]!.key]: typed[0], [texts[1]!.key]: typed[1] });
  });

  it("the server's 422 for a field is shown at that field, the typed values kept", async () => {
    const { clinic } = e2e;
    const { integer, texts } = await bookingFields(clinic);
    const { booking, page } = await openBooking('客户-form422');
    // A constraint the browser did not check: the submitted value of the integer field is altered in flight,
    // so the server (Ajv on the service's JSON Schema) answers 422 naming `form.<field>`.
    const answers: number[] = [];
    await page.route(`**/api/v1/processes/${booking.pid}/complete`, async (route) => {
      const body = route.request().postDataJSON() as { form: Record<string, unknown> };
      await route.continue({ postData: JSON.stringify({ ...body, form: { ...body.form, [integer.key]: 'thirty' } }) });
    });
    page.on('response', (r) => {
      if (r.url().endsWith(`/processes/${booking.pid}/complete`)) answers.push(r.status());
    });
    e2e.browser.consoleErrors.allow(/Failed to load resource: the server responded with a status of 422/);

    await input(page, texts[0]!).fill('李四 E2E');
    await input(page, integer).fill('30');
    await page.getByTestId('action-complete').click();

    const message = await errorAtField(page, integer);
    expect(message).not.toBe('');
    expect(answers).toEqual([422]);
    expect((await clinic.process(booking.pid)).state).not.toBe('TERMINATED');
    expect(await page.getByTestId('task-page').getAttribute('data-state')).not.toBe('TERMINATED');
    expect(await input(page, texts[0]!).inputValue()).toBe('李四 E2E');
    expect(await input(page, integer).inputValue()).toBe('30');
    await screenshot(page, 'form-validation-server-422');
  });
});
