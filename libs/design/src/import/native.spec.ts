import { describe, expect, it } from 'vitest';
import { canonicalJson, designHash, parseNativeDesign, serializeNativeDesign } from './native';
import { caught } from '../testing/caught';

const YAML_DOC = `
schemaVersion: 1
name: mini
services:
  - { key: prog, label: 程序, kind: program }
  - { key: step, label: 步骤, kind: manual, form: { type: object, properties: { b: { type: string }, a: { type: integer } } } }
events:
  - key: done
    label: 完成
    expression: process_state = "TERMINATED"
instructions:
  - { key: start, label: 启动, sysCall: start_service }
rules:
  - { key: r1, label: r1, program: prog, order: 1, subject: step, event: done, instruction: start, operand: step }
`;

describe('parseNativeDesign', () => {
  it('reads YAML and fills defaults', () => {
    const doc = parseNativeDesign(YAML_DOC);
    expect(doc.name).toBe('mini');
    expect(doc.services.map((s) => s.key)).toEqual(['prog', 'step']);
    expect(doc.rules[0]).toMatchObject({ operand: 'step', parameterValues: {} });
    expect(doc.roles).toEqual([]);
  });

  it('reads JSON', () => {
    const doc = parseNativeDesign(JSON.stringify({ schemaVersion: 1, name: 'json', services: [] }));
    expect(doc.name).toBe('json');
  });

  it('rejects an event expression that tries to run Python, with an issue at events[0].expression', () => {
    const text = YAML_DOC.replace(
      'expression: process_state = "TERMINATED"',
      `expression: "__import__('os').system('rm')"`,
    );
    const err = caught(() => parseNativeDesign(text));
    const issue = err.issues.find((i) => i.path === 'events[0].expression');
    expect(issue?.code).toBe('invalid_expression');
    expect(issue?.message).toContain('"done"');
    expect(err.message).toContain('events[0].expression');
  });

  it('reports syntax errors and duplicate YAML keys as DesignValidationError', () => {
    expect(caught(() => parseNativeDesign('name: [unclosed')).issues[0].code).toBe('syntax_error');
    expect(caught(() => parseNativeDesign('{"name": "a", "name": "b"}')).issues[0].code).toBe('syntax_error');
  });

  it('rejects a __proto__ member instead of letting it set a prototype', () => {
    const err = caught(() => parseNativeDesign('schemaVersion: 1\nname: x\n__proto__: { polluted: true }\n'));
    expect(err.issues.map((i) => i.code)).toContain('unrecognized_keys');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('serializeNativeDesign', () => {
  it('round-trips and writes keys in schema order', () => {
    const doc = parseNativeDesign(YAML_DOC);
    const yaml = serializeNativeDesign(doc);
    expect(parseNativeDesign(yaml)).toEqual(doc);
    expect(yaml.indexOf('schemaVersion:')).toBe(0);
    expect(yaml.indexOf('name: mini')).toBeLessThan(yaml.indexOf('services:'));
    expect(yaml.indexOf('  - key: prog\n    label: 程序\n    kind: program\n')).toBeGreaterThan(0);
    // free-form maps keep their own order (form fields b before a)
    expect(yaml.search(/\n\s+b:/)).toBeGreaterThan(0);
    expect(yaml.search(/\n\s+b:/)).toBeLessThan(yaml.search(/\n\s+a:/));
    expect(yaml).not.toContain('&');
  });

  it('is stable: re-serializing the parsed output gives the same text', () => {
    const once = serializeNativeDesign(parseNativeDesign(YAML_DOC));
    expect(serializeNativeDesign(parseNativeDesign(once))).toBe(once);
  });
});

describe('canonicalJson / designHash', () => {
  it('sorts keys and drops whitespace', () => {
    expect(canonicalJson({ b: 1, a: [true, { d: null, c: 'x' }], u: undefined })).toBe(
      '{"a":[true,{"c":"x","d":null}],"b":1}',
    );
  });

  it('hashes equal documents equally regardless of key order', () => {
    const doc = parseNativeDesign(YAML_DOC);
    const reverseKeys = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(reverseKeys)
        : v && typeof v === 'object'
          ? Object.fromEntries(
              Object.entries(v)
                .reverse()
                .map(([k, x]) => [k, reverseKeys(x)]),
            )
          : v;
    const reordered = reverseKeys(doc) as typeof doc;
    expect(JSON.stringify(reordered)).not.toBe(JSON.stringify(doc));
    expect(designHash(reordered)).toBe(designHash(doc));
    expect(designHash(doc)).toMatch(/^[0-9a-f]{64}$/);
    expect(designHash({ ...doc, name: 'other' })).not.toBe(designHash(doc));
  });

  it('rejects values JSON cannot carry', () => {
    expect(() => canonicalJson({ n: BigInt(1) })).toThrow(TypeError);
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    expect(() => canonicalJson(loop)).toThrow(/circular/);
  });
});
