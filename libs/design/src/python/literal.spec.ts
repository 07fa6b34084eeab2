import { describe, expect, it } from 'vitest';
import { parsePythonLiteral, PythonLiteralError } from './literal';

describe('parsePythonLiteral', () => {
  it('reads the erpsys parameter_values literal', () => {
    expect(parsePythonLiteral('{"active": True}')).toEqual({ active: true });
  });

  it('reads nested dicts, lists, tuples, numbers, strings and None', () => {
    expect(parsePythonLiteral(`{'a': [1, -2.5, 'x'], "b": (None, False,), 'c': {}}`)).toEqual({
      a: [1, -2.5, 'x'],
      b: [null, false],
      c: {},
    });
  });

  it('keeps a "__proto__" key as an ordinary property', () => {
    const value = parsePythonLiteral('{"__proto__": {"polluted": True}}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    ['{"a": x}', 'x'],
    ['__import__("os")', '__import__'],
    ['{1: 2}', '1'],
    ['{"a": 1', '<end of text>'],
    ['{"a" 1}', '1'],
    ['"a" "b"', '"b"'],
    ['{1, 2}', '1'],
    ['99999999999999999999', '99999999999999999999'],
  ])('rejects %s', (text, offending) => {
    let caught: unknown;
    try {
      parsePythonLiteral(text);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(PythonLiteralError);
    expect((caught as PythonLiteralError).offending).toBe(offending);
  });
});
