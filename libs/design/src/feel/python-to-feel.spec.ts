import { describe, expect, it } from 'vitest';
import { evaluateFeel } from './check-expression';
import { ExpressionTranslationError, translatePythonExpression } from './python-to-feel';

function rejection(text: string, eventKey = 'evt'): ExpressionTranslationError {
  try {
    translatePythonExpression(eventKey, text);
  } catch (err) {
    if (err instanceof ExpressionTranslationError) return err;
    throw err;
  }
  throw new Error(`expected ${JSON.stringify(text)} to be rejected`);
}

describe('translatePythonExpression', () => {
  it.each([
    ["process_state=='TERMINATED'", 'process_state = "TERMINATED"'],
    ['process_state == "NEW"', 'process_state = "NEW"'],
    ['parallel_completed==True', 'parallel_completed = true'],
    ['x != None', 'x != null'],
    ['a < 1 and b >= 2.5 or not c', 'a < 1 and b >= 2.5 or not(c)'],
    ['not (a == 1 or b == False)', 'not((a = 1 or b = false))'],
    ['not a == b', 'not(a = b)'],
    ['0 < x <= 10', '(0 < x and x <= 10)'],
    ['n > -3', 'n > -3'],
    ['n == .5', 'n = 0.5'],
    ['名称 == "张三"', '名称 = "张三"'],
  ])('%s → %s', (python, feel) => {
    expect(translatePythonExpression('evt', python)).toBe(feel);
  });

  it('never rewrites string literal contents, and re-escapes them for FEEL', () => {
    expect(translatePythonExpression('evt', `state == 'state == "x" and \\'y\\''`)).toBe(
      'state = "state == \\"x\\" and \'y\'"',
    );
    expect(translatePythonExpression('evt', "s == 'a\\\\b\\n'")).toBe('s = "a\\\\b\\n"');
  });

  it('produces FEEL that evaluates like the Python did', () => {
    const feel = translatePythonExpression('completed', "process_state=='TERMINATED'");
    expect(evaluateFeel(feel, { process_state: 'TERMINATED' }).value).toBe(true);
    expect(evaluateFeel(feel, { process_state: 'NEW' }).value).toBe(false);
    const quoted = translatePythonExpression('q', `s == 'say "hi"\\\\'`);
    expect(evaluateFeel(quoted, { s: 'say "hi"\\' }).value).toBe(true);
  });

  it.each([
    ["__import__('os').system('x')", '__import__'],
    ['a.b == 1', 'a.b'],
    ['f(1) == 2', 'f('],
    ['a[0] == 1', 'a['],
    ['(lambda: 1)() == 1', 'lambda'],
    ['a + 1 == 2', '+'],
    ['a * 2', '*'],
    ['x is None', 'is'],
    ['x in [1, 2]', 'in'],
    ['x = 1', '='],
    ['true == x', 'true'],
    ['constructor == 1', 'constructor'],
    ["r'x' == y", "r'x'"],
    ['f"{x}" == y', 'f"{x}"'],
    ['x == 0x1F', '0x1F'],
    ['x == 1e3', '1e3'],
    ["'unterminated", "'unterminated"],
    ['a == ', 'a == '],
  ])('rejects %s (offending %s)', (python, offending) => {
    const err = rejection(python, 'my_event');
    expect(err.eventKey).toBe('my_event');
    expect(err.text).toBe(python);
    expect(err.offending).toBe(offending);
    expect(err.message).toContain('"my_event"');
    expect(err.message).toContain(JSON.stringify(offending));
  });

  it('rejects empty input', () => {
    expect(rejection('   ').message).toContain('empty expression');
  });
});
