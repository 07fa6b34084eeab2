import { describe, expect, it } from 'vitest';
import { evaluateExpression } from '../src';
import { visibleContext } from '../src/rules/feel';

describe('rule expressions (FEEL via feelin)', () => {
  it('matches only on exactly true', () => {
    expect(evaluateExpression('process_state = "TERMINATED"', { process_state: 'TERMINATED' }).matched).toBe(true);
    expect(evaluateExpression('process_state = "TERMINATED"', { process_state: 'NEW' }).matched).toBe(false);
    expect(evaluateExpression('1 + 1', {}).matched).toBe(false);
    expect(evaluateExpression('parallel_completed = true', {}).matched).toBe(false);
  });

  it('reads nested form fields and entity attributes', () => {
    const ctx = { form: { confirmed: true, age: 41 }, entity: { label: '张三' } };
    expect(evaluateExpression('form.confirmed = true and form.age > 40 and entity.label = "张三"', ctx).matched).toBe(
      true,
    );
  });

  it('cannot reach host objects: prototype paths resolve to nothing', () => {
    const ctx = { form: {} };
    for (const expr of [
      'form.constructor != null',
      'form.__proto__ != null',
      'form.constructor.constructor("return 1")() = 1',
    ]) {
      expect(evaluateExpression(expr, ctx).matched).toBe(false);
    }
  });

  it('reports syntax errors as a non-match with an error', () => {
    const r = evaluateExpression('process_state = ', {});
    expect(r.matched).toBe(false);
    expect(r.error).toBeTruthy();
  });

  it('hands feelin only the entries an expression can name, keeping keys that are not plain names', () => {
    const ctx = { process_state: 'TERMINATED', priority: 3, form: { a: 1 }, 'first name': 'Li', 'x-y': 2, unused: 9 };
    expect(Object.keys(visibleContext('process_state = "TERMINATED" and form.a = 1', ctx)).sort()).toEqual(
      ['first name', 'form', 'process_state', 'x-y'].sort(),
    );
    // A multi-word key still parses as one name, and a value the expression names is still read.
    expect(evaluateExpression('first name = "Li" and priority = 3', ctx).matched).toBe(true);
    expect(evaluateExpression('x-y = 2', ctx).matched).toBe(true);
    // A name that is only a prefix of a key does not bring the key in.
    expect(evaluateExpression('prior = null', { priority: 3 }).matched).toBe(true);
    // A `__proto__` entry stays data, never the pruned context's prototype.
    const poisoned = JSON.parse('{"__proto__": {"state": "X"}, "other": 1}') as Record<string, unknown>;
    const seen = visibleContext('__proto__ != null and state = null', poisoned);
    expect(Object.getPrototypeOf(seen)).toBe(Object.prototype);
    expect(Object.keys(seen)).toEqual(['__proto__']);
    expect(evaluateExpression('state = null', poisoned).matched).toBe(true);
  });
});
