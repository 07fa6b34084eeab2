/**
 * A rule whose expression runs out of its evaluation budget (the API evaluates FEEL in budgeted child
 * processes) counts as false and leaves `rule.error` rows in the audit trail; the process page and the task page
 * show them in the `expression-warning` notice with the rule's key and the error message. Set-up: a small native
 * design merged into the current (clinic) design — a program scope with one task whose only rule's expression
 * loops ten thousand times ten thousand times.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ApiProblem, uniqueLabel, type Task } from './support/api';
import { screenshot } from './support/browser';
import { useE2E } from './support/suite';
import { waitTaskPage } from './support/ui';

const e2e = useE2E();

const PROGRAM = 'e2e_probe_program';
const TASK = 'e2e_probe_task';
const RULE = 'e2e_probe_budget';
const EXPRESSION = 'count(for i in 1..10000, j in 1..10000 return i) > 0';

/** Merged into the current design by `POST /api/v1/designs?format=native` (imports upsert by key). */
const PROBE_DESIGN = {
  schemaVersion: 1,
  name: 'e2e expression probe',
  services: [
    { key: PROGRAM, label: 'E2E probe program', kind: 'program', manualStart: true },
    { key: TASK, label: 'E2E probe task', kind: 'manual', entityType: 'Operator' },
  ],
  events: [{ key: 'e2e_budget_blowup', label: 'runs out of budget', expression: EXPRESSION }],
  instructions: [],
  rules: [{ key: RULE, label: 'probe rule', program: PROGRAM, order: 1, subject: TASK, event: 'e2e_budget_blowup' }],
};

type AuditRow = { action: string; cause: { rule?: string } | null; details: { expression?: string; error?: string } };

describe('failing rule expressions', () => {
  let probe: Task;
  let errors: AuditRow[];

  beforeAll(async () => {
    const { admin } = e2e.clinic;
    await admin.post('/v1/designs?format=native', PROBE_DESIGN).catch((e: unknown) => {
      throw e instanceof ApiProblem ? new Error(`design import: ${e.message} ${JSON.stringify(e.problem.errors)}`) : e;
    });
    probe = await admin.post<Task>('/v1/processes', {
      service: TASK,
      entity: { type: 'Operator', label: uniqueLabel('客户-probe') },
    });
    const deadline = Date.now() + 15_000;
    do {
      const rows = await admin.get<AuditRow[]>(`/v1/processes/${probe.pid}/events`);
      errors = rows.filter((r) => r.action === 'rule.error');
      if (errors.length > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    } while (Date.now() < deadline);
  });

  it('the audit trail names the rule, its expression and the budget error', () => {
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]).toMatchObject({ cause: { rule: RULE }, details: { expression: EXPRESSION } });
    expect(errors[0]!.details.error).toMatch(/budget|time|memory/i);
  });

  it('the process page and the task page show the expression warning', async () => {
    const { page } = await e2e.loginAdmin();
    await page.goto(`/process/?pid=${probe.pid}`);
    await page.locator(`[data-testid="process-page"][data-pid="${probe.pid}"]`).waitFor();
    const warning = page.getByTestId('expression-warning');
    await warning.waitFor({ state: 'visible' });
    const item = warning.locator(`[data-testid="expression-warning-item"][data-rule="${RULE}"]`);
    expect(await item.innerText()).toContain(RULE);
    expect(await item.innerText()).toContain(errors[0]!.details.error!);
    await screenshot(page, 'expression-warning-process');

    await page.goto(`/task/?pid=${probe.pid}`);
    await waitTaskPage(page, probe.pid);
    await page.getByTestId('expression-warning').waitFor({ state: 'visible' });
    expect(await page.getByTestId('expression-warning').innerText()).toContain(RULE);
    await screenshot(page, 'expression-warning-task');
  });

  it('a process without failing rules shows no warning', async () => {
    const journey = await e2e.clinic.startJourney(uniqueLabel('客户-no-warning'));
    const { page } = await e2e.login('fang');
    await page.goto(`/process/?pid=${journey.root.pid}`);
    await page.locator(`[data-testid="process-page"][data-pid="${journey.root.pid}"]`).waitFor();
    await page.getByTestId('audit-item').first().waitFor({ state: 'attached' });
    const rows = await e2e.clinic.admin.get<AuditRow[]>(`/v1/processes/${journey.root.pid}/events`);
    expect(rows.filter((r) => r.action === 'rule.error')).toEqual([]);
    expect(await page.getByTestId('expression-warning').count()).toBe(0);
  });
});
