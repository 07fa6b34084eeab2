import { evaluate as feelinEvaluate } from 'feelin';
import { describe, expect, it } from 'vitest';
import { evaluateExpression, type ExpressionEvaluator, type ExpressionResult, type KernelDesign } from '../src';
import { inProcessEvaluator } from '../src/rules/feel';
import { ruleDef, serviceDef } from '../src/testing';
import { harness } from './harness';

describe('in-process evaluator (the kernel default)', () => {
  it('resolves what evaluateExpression returns', async () => {
    const ctx = { process_state: 'TERMINATED', form: { n: 3 } };
    await expect(inProcessEvaluator.evaluate('process_state = "TERMINATED" and form.n > 2', ctx)).resolves.toEqual({
      matched: true,
      value: true,
      error: null,
    });
    await expect(inProcessEvaluator.evaluate('process_state = ', ctx)).resolves.toMatchObject({
      matched: false,
      error: expect.stringContaining('syntax error'),
    });
  });

  it('turns a stack overflow into an error result instead of throwing', () => {
    const deep = `${'-('.repeat(3000)}1${')'.repeat(3000)}`;
    const r = evaluateExpression(deep, {});
    expect(r.matched).toBe(false);
  });
});

describe('regular expressions on RE2 (matches, replace, split)', () => {
  it('matches a catastrophic pattern against a long input in linear time', () => {
    const ctx = { form: { x: `${'a'.repeat(100_000)}!` } };
    const t0 = performance.now();
    const r = evaluateExpression('matches(form.x, "^(a+)+$")', ctx);
    const ms = performance.now() - t0;
    expect(r).toEqual({ matched: false, value: false, error: null });
    // JavaScript's backtracking RegExp needs longer than the age of the universe for this input.
    expect(ms).toBeLessThan(1000);
    const t1 = performance.now();
    expect(evaluateExpression('matches(form.x, "(x+x+)+y") = false', { form: { x: 'x'.repeat(50_000) } }).matched).toBe(
      true,
    );
    expect(evaluateExpression('count(split(form.x, "(a|aa)+b")) = 1', ctx).matched).toBe(true);
    expect(evaluateExpression('string length(replace(form.x, "^(a+)+$", "b")) = 100001', ctx).matched).toBe(true);
    expect(performance.now() - t1).toBeLessThan(2000);
  });

  // Each expression gives the same value as feelin's own (JavaScript RegExp) built-in.
  it.each([
    'matches("foobar", "^fo*b")',
    'matches("foobar", "BAR")',
    'matches("foobar", "BAR", "i")',
    'matches("a\\nb", "^b$")',
    'matches("a\\nb", "^b$", "m")',
    'matches("a\\nb", "a.b")',
    'matches("a\\nb", "a.b", "s")',
    'matches("café 😀", "^caf\\u00e9 .$")',
    'matches("x1y22", "\\d{2}")',
    'matches("abc", "[")',
    'matches(input: "abc", pattern: "b")',
    'matches("abc", 1)',
    'replace("abcb", "b", "[$0]")',
    'replace("abcb", "(b)(c)", "$2$1")',
    'replace("Abc", "a", "x", "i")',
    'replace("abc", "", "-")',
    'replace("a.b.c", "\\.", "$$")',
    'replace("abc", "(", "x")',
    'split("a/b/cc//d/e//", "/")',
    'split("abc", "")',
    'split("axbc", "x*")',
    'split("a1b22c", "[0-9]+")',
    'split("a,b", "(,)")',
    'split("", ",")',
    'split(",a,", ",")',
    'split("😀😀", "")',
  ])('%s', (expression) => {
    const ours = evaluateExpression(expression, {});
    expect(ours.error).toBeNull();
    expect(ours.value).toEqual(feelinEvaluate(expression, {}).value);
  });

  it('rejects what RE2 cannot do in linear time (backreferences, lookahead) as an invalid pattern: null', () => {
    expect(evaluateExpression('matches("aa", "(a)\\1")', {}).value).toBeNull();
    expect(evaluateExpression('matches("ab", "a(?=b)")', {}).value).toBeNull();
  });

  it('replaces the built-ins inside for, filters and function bodies, and over a context variable of that name', () => {
    const ctx = { matches: 'not a function', names: ['ann', 'bob', 'anna'] };
    expect(evaluateExpression('count(names[matches(item, "^an") = true]) = 2', ctx).matched).toBe(true);
    expect(evaluateExpression('every n in names satisfies matches(n, "^[a-z]+$")', ctx).matched).toBe(true);
    expect(evaluateExpression('(function(s) replace(s, "n+", "N"))("anna") = "aNa"', ctx).matched).toBe(true);
  });
});

/** A program entered at `a`; whenever `a` changes state, `go` starts `b` and `also` starts `c`. */
function design(go: string, also: string): KernelDesign {
  return {
    services: [
      serviceDef('entry', { kind: 'program', manualStart: true }),
      serviceDef('a'),
      serviceDef('b'),
      serviceDef('c'),
    ],
    events: [
      { key: 'go', label: 'go', expression: go },
      { key: 'also', label: 'also', expression: also },
    ],
    instructions: [{ key: 'start', label: 'start', sysCall: 'start_service', parameters: [] }],
    rules: [
      ruleDef('to_b', 'entry', 2, 'a', 'go', 'start', 'b'),
      ruleDef('to_c', 'entry', 3, 'a', 'also', 'start', 'c'),
      ruleDef('to_c_again', 'entry', 4, 'a', 'also', null, null),
    ],
    roles: [{ key: 'ke_fu', label: 'ke_fu', services: ['entry', 'a', 'b', 'c'] }],
  };
}

describe('the kernel awaits its ExpressionEvaluator port', () => {
  it('counts an exhausted budget as false and audits it with the rule and the reason', async () => {
    const calls: string[] = [];
    const evaluator: ExpressionEvaluator = {
      async evaluate(expression, context): Promise<ExpressionResult> {
        calls.push(expression);
        await new Promise((resolve) => setTimeout(resolve, 1));
        if (expression === 'SLOW') {
          return {
            matched: false,
            value: null,
            error: 'expression exceeded its time budget of 50 ms',
            exhausted: 'time',
          };
        }
        return evaluateExpression(expression, context);
      },
    };
    const { kernel, exec, ops, store, live } = harness(design('SLOW', 'state = "TERMINATED"'), { evaluator });
    await exec(kernel.startProcess({ service: 'a', designVersion: 1, entity: null, actor: ops.fang! }));
    const a = live('a');
    calls.length = 0;
    const seen = store.audit.length;
    await exec(kernel.complete(a.pid, ops.fang!));
    const audit = store.audit.slice(seen);
    // complete = RUNNING, then TERMINATED: two evaluations of a's rules. Two rules share `also`: per
    // evaluation, each distinct expression is evaluated once.
    expect(calls.filter((e) => e === 'SLOW')).toHaveLength(2);
    expect(calls.filter((e) => e === 'state = "TERMINATED"')).toHaveLength(2);
    expect(store.byService('b')).toHaveLength(0);
    expect(store.byService('c')).toHaveLength(1);
    const errors = audit.filter((row) => row.action === 'rule.error');
    expect(errors).toHaveLength(2);
    for (const row of errors) {
      expect(row).toMatchObject({
        pid: a.pid,
        actor: null,
        cause: { rule: 'to_b', by: a.pid },
        details: { expression: 'SLOW', error: 'expression exceeded its time budget of 50 ms', budget: 'time' },
      });
    }
    expect(store.frames.get(a.pid)!.errorInfo).toMatchObject({ rule: 'to_b', code: 'EXPRESSION_ERROR' });
    expect(audit.filter((row) => row.action === 'rule.fired').map((row) => row.cause?.rule)).toEqual([
      'to_c',
      'to_c_again',
    ]);
  });

  it('hands the distinct expressions of one state change to evaluateAll in one call when the evaluator has it', async () => {
    const batches: string[][] = [];
    const evaluator: ExpressionEvaluator = {
      evaluate: () => Promise.reject(new Error('evaluate must not be called')),
      evaluateAll: async (expressions, context) => {
        batches.push([...expressions]);
        return expressions.map((expression) => evaluateExpression(expression, context));
      },
    };
    const { kernel, exec, ops, store, live } = harness(design('form.go = true', 'state = "TERMINATED"'), {
      evaluator,
    });
    await exec(kernel.startProcess({ service: 'a', designVersion: 1, entity: null, actor: ops.fang! }));
    batches.length = 0;
    await exec(kernel.complete(live('a').pid, ops.fang!, { go: true }));
    // RUNNING, then TERMINATED: one call each, with `also` (two rules) once.
    expect(batches).toEqual([
      ['form.go = true', 'state = "TERMINATED"'],
      ['form.go = true', 'state = "TERMINATED"'],
    ]);
    expect(store.byService('b')).toHaveLength(2);
    expect(store.byService('c')).toHaveLength(1);
  });

  it('fails the whole command when the evaluator rejects (unavailable), changing nothing', async () => {
    let down = false;
    const evaluator: ExpressionEvaluator = {
      evaluate: (expression, context) =>
        down ? Promise.reject(new Error('evaluator unavailable')) : inProcessEvaluator.evaluate(expression, context),
    };
    const { kernel, exec, ops, live } = harness(design('true', 'false'), { evaluator });
    await exec(kernel.startProcess({ service: 'a', designVersion: 1, entity: null, actor: ops.fang! }));
    down = true;
    await expect(kernel.complete(live('a').pid, ops.fang!)).rejects.toThrow('evaluator unavailable');
    expect(live('a').state).not.toBe('TERMINATED');
  });
});
