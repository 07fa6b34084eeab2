import { describe, expect, it } from 'vitest';
import { designHash } from '../import/canonical';
import { DesignDocument } from '../model';
import { mergeDesigns } from './merge-designs';

const doc = (name: string, input: Partial<Record<keyof DesignDocument, unknown>>): DesignDocument =>
  DesignDocument.parse({ schemaVersion: 1, name, ...input });

const current = doc('current', {
  services: [
    { key: 'a', label: 'A old', kind: 'manual' },
    { key: 'b', label: 'B', kind: 'manual' },
  ],
  events: [{ key: 'e', label: 'E', expression: 'x = 1' }],
  rules: [{ key: 'r_old', label: 'old', program: 'a', order: 1, subject: 'b', event: 'e' }],
});
const incoming = doc('incoming', {
  services: [
    { key: 'c', label: 'C', kind: 'system' },
    { key: 'a', label: 'A new', kind: 'program' },
  ],
  rules: [{ key: 'r_new', label: 'new', program: 'a', order: 1, subject: 'c', event: 'e' }],
});

describe('mergeDesigns', () => {
  it('upserts by key: incoming wins in place, new keys appended, current-only keys kept', () => {
    const merged = mergeDesigns(current, incoming);
    expect(merged.name).toBe('incoming');
    expect(merged.services.map((s) => [s.key, s.label, s.kind])).toEqual([
      ['a', 'A new', 'program'],
      ['b', 'B', 'manual'],
      ['c', 'C', 'system'],
    ]);
    expect(merged.events.map((e) => e.key)).toEqual(['e']);
    expect(merged.rules.map((r) => r.key)).toEqual(['r_old', 'r_new']);
  });

  it('replaces the rules with replaceRules', () => {
    expect(mergeDesigns(current, incoming, { replaceRules: true }).rules.map((r) => r.key)).toEqual(['r_new']);
  });

  it('starts from nothing when current is null', () => {
    const merged = mergeDesigns(null, incoming);
    expect(designHash(merged)).toBe(designHash(incoming));
  });

  it('is idempotent and does not share objects with its inputs', () => {
    const once = mergeDesigns(current, incoming);
    const twice = mergeDesigns(once, incoming);
    expect(designHash(twice)).toBe(designHash(once));
    once.services[0].label = 'mutated';
    expect(incoming.services[1].label).toBe('A new');
    expect(current.services[0].label).toBe('A old');
  });

  it('lets the last of duplicate incoming keys win at the first position', () => {
    const dup = doc('dup', {
      services: [
        { key: 'x', label: 'first', kind: 'manual' },
        { key: 'y', label: 'Y', kind: 'manual' },
        { key: 'x', label: 'second', kind: 'manual' },
      ],
    });
    expect(mergeDesigns(null, dup).services.map((s) => s.label)).toEqual(['second', 'Y']);
  });
});
