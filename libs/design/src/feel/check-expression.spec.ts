import { describe, expect, it } from 'vitest';
import { checkFeelExpression, evaluateFeel, FEEL_MAX_EXPRESSION_LENGTH } from './check-expression';

const codes = (expr: string) => checkFeelExpression(expr).map((i) => i.code);

describe('checkFeelExpression', () => {
  it.each([
    'process_state = "TERMINATED"',
    'parallel_completed = true',
    'not(a) and (b = 1 or c != null)',
    'string length(name) > 2 and starts with(name, "张")',
    'round half up(x, 2) >= 1.5',
    'count([1, 2, 3][item > 1]) = 2',
    'date("2024-01-01") < today()',
    'if a then "x" else "y"',
    'some v in [1, 2] satisfies v > 1',
    '{ total: 3 }.total = 3',
  ])('accepts %s', (expr) => {
    expect(checkFeelExpression(expr)).toEqual([]);
  });

  it('rejects __proto__ as a name and as a path segment', () => {
    expect(codes('__proto__')).toEqual(['forbidden_name']);
    const issues = checkFeelExpression('x.__proto__.polluted = 1');
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ code: 'forbidden_name', text: '__proto__', from: 2, to: 11 });
  });

  it('rejects constructor / prototype / host globals anywhere', () => {
    expect(codes('a.constructor')).toEqual(['forbidden_name']);
    expect(codes('{constructor: 1}.constructor = 1')).toEqual(['forbidden_name', 'forbidden_name']);
    expect(codes('{"__proto__": {x: 1}}')).toEqual(['forbidden_name']);
    for (const name of ['prototype', 'globalThis', 'process', 'require', 'import', 'eval', 'Function', 'this']) {
      expect(codes(`${name} = 1`), name).toEqual(['forbidden_name']);
    }
  });

  it('allows names that merely contain a forbidden word', () => {
    expect(checkFeelExpression('process_state = "NEW" and constructor_count = 1')).toEqual([]);
  });

  it('rejects calls of unknown functions', () => {
    const issues = checkFeelExpression('system("x")');
    expect(issues).toEqual([expect.objectContaining({ code: 'unknown_function', text: 'system' })]);
    expect(issues[0].message).toContain('"system"');
    expect(codes('a.b(1)')).toEqual(['unknown_function']);
    expect(codes('(function(x) x)(1)')).toEqual(['unknown_function']);
    expect(codes('{f: function(x) x, r: f(1)}.r')).toEqual(['unknown_function']);
  });

  it('reports parse errors', () => {
    expect(codes('a = ')).toEqual(['parse_error']);
    expect(codes(')')).toContain('parse_error');
    expect(codes('`__proto__`')).toContain('parse_error');
    expect(checkFeelExpression('')[0]).toMatchObject({ code: 'parse_error', message: 'empty expression' });
  });

  it('reports several problems at once', () => {
    expect(codes('system(x.constructor)')).toEqual(['unknown_function', 'forbidden_name']);
  });

  it('rejects overly long expressions', () => {
    expect(codes('a'.repeat(FEEL_MAX_EXPRESSION_LENGTH + 1))).toEqual(['too_long']);
  });

  it('returns independent copies from its cache', () => {
    const first = checkFeelExpression('system(1)');
    first[0].message = 'changed';
    expect(checkFeelExpression('system(1)')[0].message).not.toBe('changed');
  });
});

describe('evaluateFeel', () => {
  it('evaluates against a context', () => {
    expect(evaluateFeel('process_state = "TERMINATED"', { process_state: 'TERMINATED' })).toEqual({
      value: true,
      error: null,
      warnings: [],
    });
  });

  it('returns null with a warning for an unknown variable', () => {
    const result = evaluateFeel('missing', {});
    expect(result.value).toBeNull();
    expect(result.error).toBeNull();
    expect(result.warnings.join()).toContain('missing');
  });

  it('refuses unsafe expressions without evaluating them', () => {
    const result = evaluateFeel('x.constructor', { x: {} });
    expect(result.value).toBeNull();
    expect(result.error).toContain('constructor');
  });

  it('catches syntax errors', () => {
    const result = evaluateFeel('a = ', { a: 1 });
    expect(result.value).toBeNull();
    expect(result.error).toMatch(/syntax error/);
  });
});
