import { describe, expect, it } from 'vitest';
import type { DesignDocumentInput } from '../model';
import { formatIssuePath } from './design-issue';
import { validateDesign } from './validate-design';

/** A small valid design: one program with one rule, one role, one operator. */
function sample(): DesignDocumentInput {
  return {
    schemaVersion: 1,
    name: 'sample',
    services: [
      { key: 'prog', label: 'Program', kind: 'program' },
      { key: 'intake', label: 'Intake', kind: 'manual', entityType: 'Operator', routeTo: 'nurse' },
      { key: 'exam', label: 'Exam', kind: 'manual', consists: ['intake'] },
    ],
    events: [{ key: 'done', label: 'Done', expression: 'process_state = "TERMINATED"' }],
    instructions: [
      { key: 'start', label: 'Start', sysCall: 'start_service' },
      { key: 'ret', label: 'Return', sysCall: 'calling_return' },
    ],
    rules: [
      {
        key: 'r1',
        label: 'r1',
        program: 'prog',
        order: 10,
        subject: 'intake',
        event: 'done',
        instruction: 'start',
        operand: 'exam',
      },
      { key: 'r2', label: 'r2', program: 'prog', order: 20, subject: 'exam', event: 'done', instruction: 'ret' },
    ],
    roles: [{ key: 'nurse', label: 'Nurse', services: ['intake', 'exam'] }],
    operators: [{ key: 'amy', label: 'Amy', username: 'amy', roles: ['nurse'], staff: true }],
    resourceTypes: [{ key: 'Room', label: 'Room', usage: 'tdm' }],
    resources: [{ key: 'room1', label: 'Room 1', type: 'Room' }],
    entityTypes: [{ key: 'Operator', label: '人员' }],
  };
}

describe('validateDesign', () => {
  it('accepts a valid design and fills defaults', () => {
    const result = validateDesign(sample());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.design.workOrders).toEqual([]);
    expect(result.design.services[0].form).toBeNull();
    expect(result.design.rules[1].operand).toBeNull();
  });

  it('maps zod errors to paths', () => {
    const doc = sample() as Record<string, unknown>;
    (doc.rules as Array<Record<string, unknown>>)[1].order = 'x';
    (doc.services as Array<Record<string, unknown>>)[0].kind = 'robot';
    doc.extra = true;
    const result = validateDesign(doc);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const paths = result.issues.map((i) => i.path);
    expect(paths).toContain('rules[1].order');
    expect(paths).toContain('services[0].kind');
    expect(result.issues.find((i) => i.code === 'unrecognized_keys')?.path).toBe('');
  });

  it('reports dangling references, duplicate keys, a missing operand and a bad expression all at once', () => {
    const doc = sample();
    doc.rules![0].operand = 'nowhere';
    doc.rules![1].event = 'ghost';
    doc.rules!.push({
      key: 'r1',
      label: 'dup',
      program: 'intake',
      order: 1,
      subject: 'exam',
      event: 'done',
      instruction: 'start',
    });
    doc.roles![0].services = ['intake', 'missing_service'];
    doc.operators![0].roles = ['nurse', 'pilot'];
    doc.operators![0].relatedStaff = 'bob';
    doc.services![1].routeTo = 'janitor';
    doc.services![1].entityType = 'Alien';
    doc.services![2].consists = ['nothing'];
    doc.services!.push({ key: 'exam', label: 'Exam again', kind: 'system' });
    doc.resources![0].type = 'Desk';
    doc.events![0].expression = '__import__("os")';

    const result = validateDesign(doc);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const byPath = Object.fromEntries(result.issues.map((i) => [i.path, i.code]));
    expect(byPath).toMatchObject({
      'rules[0].operand': 'unknown_reference',
      'rules[1].event': 'unknown_reference',
      'rules[2].key': 'duplicate_key',
      'rules[2].operand': 'missing_operand',
      'roles[0].services[1]': 'unknown_reference',
      'operators[0].roles[1]': 'unknown_reference',
      'operators[0].relatedStaff': 'unknown_reference',
      'services[1].routeTo': 'unknown_reference',
      'services[1].entityType': 'unknown_reference',
      'services[2].consists[0]': 'unknown_reference',
      'services[3].key': 'duplicate_key',
      'resources[0].type': 'unknown_reference',
      'events[0].expression': 'invalid_expression',
    });
    expect(result.issues.length).toBeGreaterThanOrEqual(13);
    expect(result.issues.find((i) => i.path === 'rules[0].operand')?.message).toContain('"nowhere"');
    expect(result.issues.find((i) => i.path === 'events[0].expression')?.message).toContain('"done"');
  });

  it('checks references even when the schema check fails', () => {
    const doc = sample() as Record<string, unknown>;
    doc.name = '';
    (doc.rules as Array<Record<string, unknown>>)[0].subject = 'ghost';
    const result = validateDesign(doc);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((i) => i.path)).toEqual(expect.arrayContaining(['name', 'rules[0].subject']));
  });

  it('does not check entity types when none are declared', () => {
    const doc = sample();
    doc.entityTypes = [];
    doc.services![1].entityType = 'Anything';
    expect(validateDesign(doc).ok).toBe(true);
  });

  it('rejects non-objects', () => {
    const result = validateDesign('not a design');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues[0]).toMatchObject({ path: '', code: 'invalid_type' });
  });
});

describe('formatIssuePath', () => {
  it('formats zod paths in JavaScript notation', () => {
    expect(formatIssuePath(['rules', 3, 'operand'])).toBe('rules[3].operand');
    expect(formatIssuePath(['services', 0, 'form', 'x-order'])).toBe('services[0].form["x-order"]');
    expect(formatIssuePath([])).toBe('');
  });
});
