import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateExpression } from '@opkernel/kernel';
import { clinicDesign } from '@opkernel/kernel/testing';
import { isBoundedExpression, isSmallPlainContext } from '../src/infra/expressions/bounded-expression';
import { FeelEvaluator } from '../src/infra/expressions/feel-evaluator.service';
import { ExpressionEvaluatorUnavailableError, FeelProcessPool } from '../src/infra/expressions/feel-process-pool';
import { ApiClient } from '../src/journey/api-client';
import { readFixture, type ProcessDto } from './utils/clinic';
import { problem } from './utils/problem';
import { startTestApp, TEST_ADMIN_PASSWORD, type TestApp } from './utils/test-app';

/** The operator input of the finding: 29 characters that make `^(a+)+$` backtrack for over 30 s in RegExp. */
const EVIL_INPUT = `${'a'.repeat(29)}!`;

/** Expressions that pass the import checker (ranges of at most 10 000 elements) but cannot finish in budget. */
const SLOW = 'for i in 1..10000 return count(for j in 1..10000 return j)';
const HUNGRY = 'count(for i in 1..10000, j in 1..10000 return i) > 0';

type EventDto = { action: string; cause: Record<string, unknown> | null; details: Record<string, unknown> | null };

/**
 * A program entered at `<p>_step`; when the step terminates, `<p>_slow` (an expression that runs out of time
 * or memory), `<p>_regex` (true unless `^(a+)+$` matches the form's `x`) and `<p>_done` (plain) are evaluated;
 * each starts its own next step when it holds. Every key has the prefix `p`, so each test imports its own.
 */
const design = (p: string, slow: string) => {
  const rule = (key: string, order: number, event: string, operand: string) => ({
    key: `${p}_${key}`,
    label: key,
    program: `${p}_program`,
    order,
    subject: `${p}_step`,
    event: `${p}_${event}`,
    instruction: `${p}_start`,
    operand: `${p}_${operand}`,
  });
  const steps = ['step', 'after_slow', 'after_regex', 'after_done'].map((s) => `${p}_${s}`);
  return {
    schemaVersion: 1,
    name: `budget-${p}`,
    services: [
      { key: `${p}_program`, label: 'Budget program', kind: 'program', manualStart: true },
      ...steps.map((key) => ({ key, label: key, kind: 'manual' })),
    ],
    events: [
      { key: `${p}_slow`, label: 'Slow', expression: `if state = "TERMINATED" then ${slow} else false` },
      {
        key: `${p}_regex`,
        label: 'Regex',
        expression: 'if state = "TERMINATED" then not(matches(form.x, "^(a+)+$")) else false',
      },
      { key: `${p}_done`, label: 'Done', expression: 'state = "TERMINATED"' },
    ],
    instructions: [{ key: `${p}_start`, label: 'Start', sysCall: 'start_service' }],
    rules: [
      rule('r_slow', 1, 'slow', 'after_slow'),
      rule('r_regex', 2, 'regex', 'after_regex'),
      rule('r_done', 3, 'done', 'after_done'),
    ],
    roles: [{ key: `${p}_worker`, label: 'Worker', services: steps }],
  };
};

/** Imports the designs of `parts` (`[prefix, slow expression]`) as one native design, as admin over REST. */
async function importDesigns(admin: ApiClient, ...parts: [string, string][]): Promise<void> {
  const docs = parts.map(([p, slow]) => design(p, slow));
  const merged = {
    ...docs[0]!,
    name: 'budget',
    services: docs.flatMap((d) => d.services),
    events: docs.flatMap((d) => d.events),
    instructions: docs.flatMap((d) => d.instructions),
    rules: docs.flatMap((d) => d.rules),
    roles: docs.flatMap((d) => d.roles),
  };
  await admin.post('/v1/designs?format=native', merged);
}

/** Starts a `<p>_step` task (its design imported by {@link importDesigns}). */
async function start(admin: ApiClient, p: string): Promise<ProcessDto> {
  const root = await admin.post<ProcessDto>('/v1/processes', {
    service: `${p}_step`,
    entity: { type: 'Operator', label: `budget ${p}` },
  });
  expect(root.service).toBe(`${p}_step`);
  return root;
}

/**
 * Completes `pid` with the evil form input while polling `GET /api/health`; returns the command's answer,
 * how long it took, and the health probes' latencies (the ones that answered while the command ran).
 */
async function completeWhileProbing(t: TestApp, admin: ApiClient, pid: number) {
  const t0 = performance.now();
  let done = false;
  const command = admin
    .post<ProcessDto>(`/v1/processes/${pid}/complete`, { form: { x: EVIL_INPUT } })
    .finally(() => (done = true));
  const probes: number[] = [];
  // Let the request reach the server before probing.
  await new Promise((resolve) => setTimeout(resolve, 10));
  while (!done) {
    const p0 = performance.now();
    const res = await t.request('GET', '/health');
    const ms = performance.now() - p0;
    expect(res.status).toBe(200);
    if (!done) probes.push(ms);
  }
  const answer = await command;
  return { answer, ms: performance.now() - t0, probes };
}

async function ruleErrors(admin: ApiClient, pid: number): Promise<EventDto[]> {
  const events = await admin.get<EventDto[]>(`/v1/processes/${pid}/events`);
  return events.filter((e) => e.action === 'rule.error');
}

describe('FEEL expressions run within a time and memory budget (real PostgreSQL)', () => {
  let t: TestApp;
  let admin: ApiClient;
  beforeAll(async () => {
    delete process.env.FEEL_TIME_LIMIT_MS;
    t = await startTestApp();
    admin = await ApiClient.login(t.url, 'admin', TEST_ADMIN_PASSWORD);
    await importDesigns(admin, ['bt', SLOW]);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('a too slow expression counts as false and is audited; ^(a+)+$ on the evil input is fast; health answers', async () => {
    const root = await start(admin, 'bt');
    const { answer, ms, probes } = await completeWhileProbing(t, admin, root.pid);
    expect(answer.state).toBe('TERMINATED');
    // 50 ms budget (+ a replacement process); generous for a loaded CI machine.
    expect(ms).toBeLessThan(5000);
    const started = answer.cascade.map((c) => c.service);
    expect(started).toContain('bt_after_regex'); // RE2: no match, found at once → not(false) = true
    expect(started).toContain('bt_after_done');
    expect(started).not.toContain('bt_after_slow');
    const errors = await ruleErrors(admin, root.pid);
    expect(errors).toEqual([
      expect.objectContaining({
        cause: { rule: 'bt_r_slow', by: root.pid },
        details: {
          expression: `if state = "TERMINATED" then ${SLOW} else false`,
          error: 'expression exceeded its time budget of 50 ms',
          budget: 'time',
        },
      }),
    ]);
    for (const probe of probes) expect(probe).toBeLessThan(1000);
    // The evaluator replaced the killed process.
    await expect(t.app.get(FeelEvaluator).evaluate('1 + 1 = 2', {})).resolves.toMatchObject({ matched: true });
  });

  it('the import refuses a huge literal range or deep nesting (native) and a deeply nested erpsys expression: 422', async () => {
    const huge = design('bh', 'count(for i in 1..100000000 return i) > 0');
    const refused = await problem(admin.post('/v1/designs?format=native', huge));
    expect(refused.status).toBe(422);
    expect(refused.problem.errors).toEqual([
      {
        field: 'events[0].expression',
        message: expect.stringMatching(/event "bh_slow": .*range 1\.\.100000000 has 100000000 elements; at most 10000/),
      },
    ]);
    const deep = design('bd', `${'not('.repeat(40)}true${')'.repeat(40)}`);
    const tooDeep = await problem(admin.post('/v1/designs?format=native', deep));
    expect(tooDeep.problem.errors).toEqual([
      { field: 'events[0].expression', message: expect.stringContaining('nests 41 levels deep; at most 32') },
    ]);
    const rows = readFixture('backup.json') as { model: string; fields: Record<string, unknown> }[];
    const event = rows.find((r) => r.model === 'kernel.event')!;
    event.fields.expression = `${'('.repeat(100_000)}process_state=='NEW'${')'.repeat(100_000)}`;
    const erpsys = await problem(admin.post('/v1/designs?format=erpsys', rows));
    expect(erpsys.status).toBe(422);
    expect(JSON.stringify(erpsys.problem)).toContain(`Event \\"${String(event.fields.name)}\\"`);
    expect(JSON.stringify(erpsys.problem)).toContain('nesting deeper than 32 levels');
  });

  it('gives the same results as the in-process evaluator (clinic expressions, regex built-ins, errors)', async () => {
    const evaluator = t.app.get(FeelEvaluator);
    const ctx = {
      process_state: 'TERMINATED',
      state: 'TERMINATED',
      parallel_completed: true,
      form: { x: EVIL_INPUT, confirmed: true, age: 41, tags: ['a', 'b'] },
      entity: { type: 'Operator', id: 'zhang_san', label: '张三', phone: '123' },
    };
    const expressions = [
      ...clinicDesign().events.map((e) => e.expression),
      'form.confirmed = true and form.age > 40 and entity.label = "张三"',
      'matches(form.x, "^(a+)+$")',
      'matches(entity.label, "^张")',
      'replace(form.x, "a+", "[$0]") = "[aaaaaaaaaaaaaaaaaaaaaaaaaaaaa]!"',
      'split("a1b22c", "[0-9]+")',
      'string join(split("a,b,,c", ","), "|")',
      'matches("aa", "(a)\\1")',
      'count(form.tags)',
      'form.missing = null',
      'process_state = ',
      'form.constructor != null',
    ];
    for (const expression of expressions) {
      const inProcess = evaluateExpression(expression, ctx);
      const pooled = await evaluator.evaluate(expression, ctx);
      const primitive = inProcess.value === null || typeof inProcess.value !== 'object';
      expect(pooled, expression).toEqual({ ...inProcess, value: primitive ? inProcess.value : null });
    }
  });
});

describe('bounded expressions are evaluated in the API process; the rest under the budget', () => {
  it('classifies: no iteration, ranges, definitions or filters, linear built-ins only', () => {
    for (const e of [
      'process_state = "TERMINATED" and form.age > 3',
      'string length(form.name) > 3 and count(form.items) > 1',
      'if form.ok then "a" else "b"',
      'form.x in [1..5]',
      'parallel_completed = true',
    ])
      expect(isBoundedExpression(e), e).toBe(true);
    for (const e of [
      SLOW,
      HUNGRY,
      'some x in form.items satisfies x > 1',
      'function(a) a + 1',
      'form.items[item > 2]',
      'matches(form.x, "^(a+)+$")',
      'distinct values(form.items)',
      'sum(for j in 1..3 return j)',
      'process_state = ',
    ])
      expect(isBoundedExpression(e), e).toBe(false);
  });

  it('runs in process only for a small context whose keys are plain names', () => {
    expect(isSmallPlainContext({ state: 'READY', form: { 年龄: 41, tags: ['a', 'b'], nested: { ok_1: true } } })).toBe(
      true,
    );
    expect(isSmallPlainContext({ form: { 'kind in': [1] } })).toBe(false);
    expect(isSmallPlainContext({ form: { 'a.b': 1 } })).toBe(false);
    expect(isSmallPlainContext({ form: { s: 'x'.repeat(20_000) } })).toBe(false);
    expect(isSmallPlainContext({ form: { items: Array.from({ length: 5000 }, (_, i) => i) } })).toBe(false);
  });

  it('only unbounded expressions reach the expression processes, with the same results as the pool gives', async () => {
    const t = await startTestApp();
    try {
      const evaluator = t.app.get(FeelEvaluator);
      const ctx = { state: 'TERMINATED', process_state: 'TERMINATED', form: { age: 41, items: [1, 2, 3] } };
      const bounded = ['state = "TERMINATED"', 'form.age > 40 and count(form.items) = 3', 'form.nope = null'];
      const before = { ...evaluator.counts };
      const inline = await evaluator.evaluateAll(bounded, ctx);
      expect(evaluator.counts.inline - before.inline).toBe(bounded.length);
      expect(evaluator.counts.offloaded).toBe(before.offloaded);
      // The pool itself (what every expression went through before) answers the same.
      expect(await FeelProcessPool.prototype.evaluateAll.call(evaluator, bounded, ctx)).toEqual(inline);
      const mixed = await evaluator.evaluateAll(['count(for i in 1..3 return i) = 3', 'form.age > 40'], ctx);
      expect(mixed.map((r) => r.matched)).toEqual([true, true]);
      expect(evaluator.counts.offloaded - before.offloaded).toBe(1);
      // A key FEEL would read as several tokens (it can turn the checked `in` test into a filter), or a large
      // context: the bounded expression goes to the budgeted processes too.
      const trick = { form: { kind: 'a', allowed: 'a', 'kind in': [{ form: { allowed: true } }] } };
      await evaluator.evaluateAll(['form.kind in [form.allowed]'], trick);
      expect(evaluator.counts.offloaded - before.offloaded).toBe(2);
      await evaluator.evaluateAll(['count(form.items) > 0'], { form: { items: ['x'.repeat(20_000)] } });
      expect(evaluator.counts.offloaded - before.offloaded).toBe(3);
      // Only what the expression can name counts: a large entry it never mentions keeps it in process.
      const [unnamed] = await evaluator.evaluateAll(['form.age > 40'], { ...ctx, notes: ['x'.repeat(20_000)] });
      expect(unnamed!.matched).toBe(true);
      expect(evaluator.counts.offloaded - before.offloaded).toBe(3);
    } finally {
      await t.close();
    }
  });
});

describe('FEEL memory budget, and the event loop during a long evaluation (budget 1.5 s)', () => {
  let t: TestApp;
  let admin: ApiClient;
  beforeAll(async () => {
    // Long enough that HUNGRY runs out of memory first (~0.5 s of CPU) and SLOW runs for over a second.
    process.env.FEEL_TIME_LIMIT_MS = '1500';
    try {
      t = await startTestApp();
    } finally {
      delete process.env.FEEL_TIME_LIMIT_MS;
    }
    admin = await ApiClient.login(t.url, 'admin', TEST_ADMIN_PASSWORD);
    await importDesigns(admin, ['bm', HUNGRY], ['bl', SLOW]);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('an expression that needs more than 64 MB counts as false and is audited with the memory budget', async () => {
    const root = await start(admin, 'bm');
    const { answer, ms } = await completeWhileProbing(t, admin, root.pid);
    expect(ms).toBeLessThan(15_000);
    expect(answer.cascade.map((c) => c.service)).not.toContain('bm_after_slow');
    expect(answer.cascade.map((c) => c.service)).toContain('bm_after_done');
    const errors = await ruleErrors(admin, root.pid);
    expect(errors).toEqual([
      expect.objectContaining({
        cause: { rule: 'bm_r_slow', by: root.pid },
        details: expect.objectContaining({
          error: 'expression exceeded its memory budget of 64 MB',
          budget: 'memory',
        }),
      }),
    ]);
  });

  it('GET /api/health answers at once while an expression computes for over a second', async () => {
    const root = await start(admin, 'bl');
    const { answer, ms, probes } = await completeWhileProbing(t, admin, root.pid);
    // 1.5 s of CPU time: at least that long, longer on a busy machine (bounded at 10 × the limit + 1 s).
    expect(ms).toBeGreaterThanOrEqual(1450);
    expect(ms).toBeLessThan(17_000);
    expect(answer.cascade.map((c) => c.service)).toContain('bl_after_done');
    expect(probes.length).toBeGreaterThan(10);
    const sorted = [...probes].sort((a, b) => a - b);
    expect(sorted[Math.floor(sorted.length / 2)]).toBeLessThan(100);
    expect(sorted[sorted.length - 1]).toBeLessThan(1000);
    const [error] = await ruleErrors(admin, root.pid);
    expect(error?.details).toMatchObject({ error: 'expression exceeded its time budget of 1500 ms', budget: 'time' });
  });
});

describe('FeelProcessPool on its own', () => {
  it('reports itself unavailable (not a false rule) when no process becomes free in time, and when closed', async () => {
    const pool = new FeelProcessPool({ timeLimitMs: 2000, memoryLimitMb: 64, workers: 1, queueTimeoutMs: 100 });
    try {
      await pool.started;
      const slow = pool.evaluate(SLOW, {}).then(
        () => null,
        (error: unknown) => error,
      );
      await expect(pool.evaluate('true', {})).rejects.toBeInstanceOf(ExpressionEvaluatorUnavailableError);
      await pool.close();
      expect(await slow).toBeInstanceOf(ExpressionEvaluatorUnavailableError);
      await expect(pool.evaluate('true', {})).rejects.toMatchObject({ status: 503 });
    } finally {
      await pool.close();
    }
  });

  it('evaluateAll: one expression that ends its process fails alone; the ones after it still get evaluated', async () => {
    const pool = new FeelProcessPool({ timeLimitMs: 50, memoryLimitMb: 64, workers: 1, queueTimeoutMs: 5000 });
    const hungry = new FeelProcessPool({ timeLimitMs: 5000, memoryLimitMb: 64, workers: 1, queueTimeoutMs: 9000 });
    try {
      await Promise.all([pool.started, hungry.started]);
      const ctx = { n: 2 };
      const ok = { matched: true, value: true, error: null };
      expect(await pool.evaluateAll(['n = 2', SLOW, 'n > 1', 'n ='], ctx)).toEqual([
        ok,
        { matched: false, value: null, error: 'expression exceeded its time budget of 50 ms', exhausted: 'time' },
        ok,
        { matched: false, value: null, error: expect.stringContaining('syntax error') },
      ]);
      expect(await hungry.evaluateAll(['n = 2', HUNGRY, 'n > 1'], ctx)).toEqual([
        ok,
        { matched: false, value: null, error: 'expression exceeded its memory budget of 64 MB', exhausted: 'memory' },
        ok,
      ]);
    } finally {
      await Promise.all([pool.close(), hungry.close()]);
    }
  });

  it('does not charge the wait for a replacement process to the next evaluation', async () => {
    const pool = new FeelProcessPool({ timeLimitMs: 50, memoryLimitMb: 64, workers: 1, queueTimeoutMs: 5000 });
    try {
      await pool.started;
      const [slow, next] = await Promise.all([pool.evaluate(SLOW, {}), pool.evaluate('1 < 2', {})]);
      expect(slow).toMatchObject({ matched: false, exhausted: 'time' });
      expect(next).toEqual({ matched: true, value: true, error: null });
    } finally {
      await pool.close();
    }
  });
});
