import { describe, expect, it } from 'vitest';
import { eventFromRow } from '../import/erpsys-elements';
import type { DesignIssue } from '../validation/design-issue';
import { validateDesign } from '../validation/validate-design';
import { parsePythonLiteral, PYTHON_LITERAL_MAX_NESTING, PythonLiteralError } from '../python/literal';
import { checkFeelExpression, FEEL_MAX_NESTING, FEEL_MAX_RANGE_LENGTH } from './check-expression';
import { ExpressionTranslationError, PYTHON_MAX_NESTING, translatePythonExpression } from './python-to-feel';

const codes = (expr: string) => checkFeelExpression(expr).map((i) => i.code);
const nested = (levels: number, inner = 'x') => `${'not('.repeat(levels)}${inner}${')'.repeat(levels)}`;

describe('FEEL checker: iterated ranges', () => {
  it(`rejects iterating a range of constant bounds with more than ${FEEL_MAX_RANGE_LENGTH} elements`, () => {
    const [issue] = checkFeelExpression('for i in 1..100000000 return i');
    expect(issue).toMatchObject({ code: 'range_too_large', text: '1..100000000', from: 9, to: 21 });
    expect(issue!.message).toBe('range 1..100000000 has 100000000 elements; at most 10000 may be iterated');
    for (const expr of [
      'some i in 0..10000 satisfies i = 1',
      'every i in [1..(100000)] satisfies i > 0',
      'count(for i in -20000..-1 return i) > 0',
      'for i in 1..10000*10000 return i',
      'for i in 1..10, j in ]0..1000000000[ return i',
    ]) {
      expect(codes(expr), expr).toEqual(['range_too_large']);
    }
  });

  it('accepts ranges up to the limit, computed bounds, and ranges that are only tested against', () => {
    for (const expr of [
      'for i in 1..10000 return i',
      'for i in -5..-1 return i',
      'for i in 1..form.n return i',
      'for i in [1, 2, 3] return i',
      'form.amount in [0..1000000]',
      // Each range is within the limit: their product is left to the evaluator's time budget.
      'count(for i in 1..10000, j in 1..10000 return i) > 0',
    ]) {
      expect(checkFeelExpression(expr), expr).toEqual([]);
    }
  });
});

describe('FEEL checker: nesting', () => {
  it(`accepts ${FEEL_MAX_NESTING} levels and rejects more, once, with the depth`, () => {
    expect(checkFeelExpression(nested(FEEL_MAX_NESTING))).toEqual([]);
    const issues = checkFeelExpression(nested(40));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ code: 'too_deep', from: 4 * FEEL_MAX_NESTING });
    expect(issues[0]!.message).toBe('expression nests 40 levels deep; at most 32 are allowed');
  });

  it('counts parentheses, calls, lists, contexts, filters, if/for and unary minus as levels', () => {
    expect(codes(`${'('.repeat(33)}1${')'.repeat(33)}`)).toEqual(['too_deep']);
    expect(codes(`${'['.repeat(33)}1${']'.repeat(33)}`)).toEqual(['too_deep']);
    expect(codes(`${'{a: '.repeat(33)}1${'}'.repeat(33)}`)).toEqual(['too_deep']);
    expect(codes(`${'if true then '.repeat(33)}1${' else 0'.repeat(33)}`)).toEqual(['too_deep']);
    expect(codes(`${'-'.repeat(40)}x`)).toEqual(['too_deep']);
    expect(codes(`${'-'.repeat(10)}x`)).toEqual([]);
  });

  it('does not count operator chains or paths as nesting', () => {
    expect(checkFeelExpression(Array.from({ length: 200 }, (_, i) => `x = ${i}`).join(' or '))).toEqual([]);
    expect(checkFeelExpression(`x${'.y'.repeat(100)} = 1`)).toEqual([]);
  });

  it('rejects a 2000-level expression quickly (no recursion)', () => {
    const t0 = performance.now();
    expect(codes(`${'('.repeat(2000)}1${')'.repeat(2000)}`)).toEqual(['too_deep']);
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});

describe('design validation names the event of a rejected expression', () => {
  it('reports the range and nesting limits at events[i].expression', () => {
    const result = validateDesign({
      schemaVersion: 1,
      name: 'limits',
      events: [
        { key: 'ok', label: 'ok', expression: 'state = "NEW"' },
        { key: 'huge_loop', label: 'Huge', expression: 'count(for i in 1..100000000 return i) > 0' },
        { key: 'too_deep', label: 'Deep', expression: nested(33) },
      ],
    });
    expect(result.ok).toBe(false);
    const issues = result.ok ? [] : result.issues;
    expect(issues).toEqual([
      {
        path: 'events[1].expression',
        code: 'invalid_expression',
        message: expect.stringMatching(
          /^event "huge_loop": expression .* is rejected: range 1\.\.100000000 has 100000000 elements; at most 10000 may be iterated/,
        ),
      },
      {
        path: 'events[2].expression',
        code: 'invalid_expression',
        message: expect.stringMatching(
          /^event "too_deep": .* is rejected: expression nests 33 levels deep; at most 32 are allowed/,
        ),
      },
    ]);
  });
});

describe('erpsys (Python) expressions nested deeper than the limit', () => {
  const rejection = (text: string): ExpressionTranslationError => {
    try {
      translatePythonExpression('deep_event', text);
    } catch (err) {
      if (err instanceof ExpressionTranslationError) return err;
      throw err;
    }
    throw new Error('expected a rejection');
  };

  it('are an ExpressionTranslationError naming the event, at any depth, instead of a stack overflow', () => {
    for (const depth of [PYTHON_MAX_NESTING + 1, 10_000, 200_000]) {
      const parens = rejection(`${'('.repeat(depth)}process_state == 'NEW'${')'.repeat(depth)}`);
      expect(parens.eventKey).toBe('deep_event');
      expect(parens.message).toContain('Event "deep_event"');
      expect(parens.message).toContain(`nesting deeper than ${PYTHON_MAX_NESTING} levels`);
      expect(parens.message.length).toBeLessThan(1000);
      const nots = rejection(`${'not '.repeat(depth)}done`);
      expect(nots.message).toContain(`nesting deeper than ${PYTHON_MAX_NESTING} levels`);
    }
  });

  it('translate up to the limit', () => {
    const depth = PYTHON_MAX_NESTING;
    expect(translatePythonExpression('e', `${'('.repeat(depth)}a == 1${')'.repeat(depth)}`)).toBe(
      `${'('.repeat(depth)}a = 1${')'.repeat(depth)}`,
    );
  });

  it('become an import issue naming the event (erpsys kernel.event row)', () => {
    const issues: DesignIssue[] = [];
    const row = { model: 'kernel.event', pk: 7, fields: { name: 'deep_event', expression: '('.repeat(100_000) } };
    eventFromRow(row, issues);
    expect(issues).toEqual([
      {
        path: 'kernel.event[pk=7].expression',
        code: 'untranslatable_expression',
        message: expect.stringContaining('Event "deep_event": cannot translate expression'),
      },
    ]);
  });

  it('Python literals (rule parameter_values) are bounded too', () => {
    expect(() => parsePythonLiteral('['.repeat(100_000))).toThrow(PythonLiteralError);
    expect(() => parsePythonLiteral('{"a": '.repeat(PYTHON_LITERAL_MAX_NESTING + 1))).toThrow(/nesting deeper than 64/);
    const ok = `${'['.repeat(PYTHON_LITERAL_MAX_NESTING)}1${']'.repeat(PYTHON_LITERAL_MAX_NESTING)}`;
    expect(JSON.stringify(parsePythonLiteral(ok))).toBe(ok);
  });
});
