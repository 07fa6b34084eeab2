import { describe, expect, it } from 'vitest';
import { evaluateExpression } from '../src';

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
});
