import { describe, expect, it } from 'vitest';
import { importErpsysFixture } from '../import/erpsys-fixture';
import { importErpsysFlat } from '../import/erpsys-flat';
import { designHash, parseNativeDesign, serializeNativeDesign } from '../import/native';
import { DEFAULT_SCHEDULER_SETTINGS } from '@opkernel/kernel';
import { mergeDesigns } from '../merge/merge-designs';
import { DesignDocument, type DesignDocumentInput } from '../model';
import { loadErpsysFixture } from '../testing/erpsys-fixtures';
import { validateDesign } from './validate-design';

/** The design's scheduler defaults are the kernel's. */
const KERNEL_DEFAULTS = DEFAULT_SCHEDULER_SETTINGS;

/** A valid design using every scheduler section. */
function withScheduler(): DesignDocumentInput {
  return {
    schemaVersion: 1,
    name: 'scheduled',
    services: [
      { key: 'prog', label: 'Program', kind: 'program' },
      {
        key: 'triage',
        label: 'Triage',
        kind: 'manual',
        routeTo: 'nurse',
        skills: [{ skill: 'triage', level: 3 }],
        sla: 'fast',
      },
      {
        key: 'laser',
        label: 'Laser',
        kind: 'manual',
        skills: [
          { skill: 'laser', level: 6 },
          { skill: 'mandarin', level: 2, additional: true, dropAfter: 'PT10M' },
        ],
        capacityWeight: 2,
        expectedDuration: 'PT1H',
      },
    ],
    roles: [
      { key: 'nurse', label: 'Nurse', services: ['triage', 'laser'], scheduler: { distribution: 'push' } },
      { key: 'lead', label: 'Lead nurse', services: ['triage'] },
    ],
    operators: [
      {
        key: 'amy',
        label: 'Amy',
        roles: ['nurse'],
        skills: [
          { skill: 'triage', level: 5 },
          { skill: 'laser', level: 7 },
        ],
        capacity: 3,
        calendar: 'clinic',
      },
      { key: 'bo', label: 'Bo', roles: ['lead'], calendar: '24x7' },
    ],
    resourceTypes: [{ key: 'Room', label: 'Room', usage: 'tdm' }],
    resources: [{ key: 'room1', label: 'Room 1', type: 'Room', calendar: 'clinic' }],
    skills: [
      { key: 'triage', label: 'Triage' },
      { key: 'laser', label: 'Laser' },
      { key: 'mandarin', label: 'Mandarin' },
    ],
    calendars: [
      {
        key: 'clinic',
        label: 'Clinic hours',
        tz: 'Asia/Shanghai',
        attendances: [
          { days: [1, 2, 3, 4, 5], from: '09:00', to: '12:00' },
          { days: [1, 2, 3, 4, 5], from: '13:00', to: '18:00' },
          { days: [6], from: '10:00', to: '24:00', weekParity: 0, validFrom: '2026-01-01', validTo: '2026-12-31' },
        ],
        holidays: ['2026-10-01'],
        leaves: [{ from: '2026-05-01T09:00:00+08:00', to: '2026-05-02T00:00:00+08:00', reason: 'staff day' }],
      },
    ],
    slas: [
      {
        key: 'fast',
        calendar: 'clinic',
        goal: 'PT15M',
        deadline: 'PT1H',
        passedDeadline: { every: 'PT30M', times: 3 },
        actions: {
          goal: [{ kind: 'notify', roles: ['lead'] }],
          deadline: [
            { kind: 'raise_urgency', by: 30 },
            { kind: 'reassign', to: { role: 'lead' } },
          ],
          passed: [{ kind: 'reassign', to: { operator: 'bo' }, force: true }, { kind: 'relax_skills' }],
        },
      },
      { key: 'slow', deadline: 'P2D', pauseIn: ['SUSPENDED'], pauseOnResourceWait: true },
    ],
    scheduler: { agingPointsPerHour: 120, assignBy: 'last_assigned' },
  };
}

/** Issues of `doc` as `{ path: code }`. */
function issuesOf(doc: unknown): Record<string, string> {
  const result = validateDesign(doc);
  if (result.ok) return {};
  return Object.fromEntries(result.issues.map((i) => [i.path, i.code]));
}

/**
 * A fresh {@link withScheduler} design (as plain JSON) with `patches` applied: each key is a path in the issue
 * notation (`calendars[0].attendances[1].to`), each value is written there (an index one past the end appends).
 */
function patched(patches: Record<string, unknown>): unknown {
  const doc: unknown = JSON.parse(JSON.stringify(withScheduler()));
  for (const [path, value] of Object.entries(patches)) {
    const segments = (path.match(/[^.[\]]+/g) ?? []).map((s) => (/^\d+$/.test(s) ? Number(s) : s));
    const last = segments.pop()!;
    let target = doc as Record<string | number, unknown>;
    for (const segment of segments) target = target[segment] as Record<string | number, unknown>;
    target[last] = value;
  }
  return doc;
}

/** Issues of {@link patched}(patches) as `{ path: code }`. */
function issuesAfter(patches: Record<string, unknown>): Record<string, string> {
  return issuesOf(patched(patches));
}

describe('scheduler sections', () => {
  it('accepts a design with every section and fills the defaults', () => {
    const result = validateDesign(withScheduler());
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    const design = result.design;
    expect(design.services[0]).toMatchObject({ skills: [], capacityWeight: 1, expectedDuration: 'PT30M', sla: null });
    expect(design.services[2].skills).toEqual([
      { skill: 'laser', level: 6, additional: false, dropAfter: null },
      { skill: 'mandarin', level: 2, additional: true, dropAfter: 'PT10M' },
    ]);
    expect(design.roles.map((r) => r.scheduler)).toEqual([{ distribution: 'push' }, null]);
    expect(design.operators[1]).toMatchObject({ skills: [], capacity: null, calendar: '24x7' });
    expect(design.resources[0]).toMatchObject({ capacity: 1, calendar: 'clinic' });
    expect(design.calendars[0].attendances[0]).toEqual({ days: [1, 2, 3, 4, 5], from: '09:00', to: '12:00' });
    expect(design.slas[0].urgency).toEqual({ goal: 10, deadline: 20, passed: 10 });
    expect(design.slas[0].pauseIn).toEqual(['WAITING', 'SUSPENDED']);
    expect(design.slas[0].actions.goal).toEqual([{ kind: 'notify', assignee: true, roles: ['lead'], operators: [] }]);
    expect(design.slas[0].actions.deadline[1]).toEqual({ kind: 'reassign', to: { role: 'lead' }, force: false });
    expect(design.slas[1]).toEqual({
      key: 'slow',
      calendar: '24x7',
      goal: null,
      deadline: 'P2D',
      passedDeadline: null,
      urgency: { goal: 10, deadline: 20, passed: 10 },
      actions: { goal: [], deadline: [], passed: [] },
      pauseIn: ['SUSPENDED'],
      pauseOnResourceWait: true,
    });
    expect(design.scheduler).toEqual({ ...KERNEL_DEFAULTS, agingPointsPerHour: 120, assignBy: 'last_assigned' });
  });

  it('parses an old document without the sections to the same thing plus empty defaults', () => {
    const old = {
      schemaVersion: 1,
      name: 'old',
      services: [{ key: 's', label: 'S', kind: 'manual', routeTo: 'r' }],
      roles: [{ key: 'r', label: 'R', services: ['s'] }],
      operators: [{ key: 'o', label: 'O', roles: ['r'] }],
      resourceTypes: [{ key: 'Room', label: 'Room', usage: 'tdm' }],
      resources: [{ key: 'room', label: 'Room', type: 'Room' }],
    };
    const result = validateDesign(old);
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(result.design).toMatchObject({ skills: [], calendars: [], slas: [], scheduler: KERNEL_DEFAULTS });
    expect(result.design.services[0]).toMatchObject({ skills: [], capacityWeight: 1, expectedDuration: 'PT30M' });
    expect(result.design.roles[0].scheduler).toBeNull();
    expect(result.design.operators[0]).toMatchObject({ skills: [], capacity: null, calendar: null });
    expect(result.design.resources[0].calendar).toBeNull();
    // Defaults are fresh objects, not shared between parses.
    const again = DesignDocument.parse(old);
    expect(again.scheduler).not.toBe(result.design.scheduler);
  });

  it('keeps the erpsys clinic import valid, with no scheduler sections', () => {
    const clinic = importErpsysFixture(loadErpsysFixture('backup.json'));
    expect(validateDesign(clinic).ok).toBe(true);
    expect(clinic).toMatchObject({ skills: [], calendars: [], slas: [], scheduler: KERNEL_DEFAULTS });
    expect(clinic.services.every((s) => s.skills.length === 0 && s.sla === null && s.capacityWeight === 1)).toBe(true);
    expect(clinic.operators.every((o) => o.capacity === null && o.calendar === null)).toBe(true);
    expect(clinic.roles.every((r) => r.scheduler === null)).toBe(true);
    const flat = importErpsysFlat(loadErpsysFixture('business_define.json'), clinic);
    expect(flat).toMatchObject({ skills: [], calendars: [], slas: [], scheduler: KERNEL_DEFAULTS });
  });

  it('reports bad values at their paths', () => {
    expect(
      issuesAfter({
        'calendars[0].tz': 'Mars/Olympus',
        'calendars[0].attendances[1].to': '12:30',
        'calendars[0].attendances[1].from': '13:00',
        'slas[0].goal': 'half an hour',
        'services[2].expectedDuration': 'PT0S',
        'services[2].skills[0].level': 11,
      }),
    ).toMatchObject({
      'calendars[0].tz': 'invalid_time_zone',
      'calendars[0].attendances[1].to': 'invalid_range',
      'slas[0].goal': 'invalid_duration',
      'services[2].expectedDuration': 'invalid_duration',
      'services[2].skills[0].level': 'too_big',
    });
  });

  it('checks calendar times, dates and leaves', () => {
    expect(
      issuesAfter({
        'calendars[0].attendances[0].from': '9:00',
        'calendars[0].attendances[1].to': '24:30',
        'calendars[0].attendances[2].days': [],
        'calendars[0].attendances[3]': { days: [8], from: '08:00', to: '09:00', weekParity: 2 },
        'calendars[0].attendances[4]': {
          days: [1],
          from: '08:00',
          to: '09:00',
          validFrom: '2026-02-01',
          validTo: '2026-01-31',
        },
        'calendars[0].holidays': ['2026-02-30'],
        'calendars[0].leaves': [
          { from: '2026-05-01T09:00:00', to: '2026-05-01T10:00:00+08:00' },
          { from: '2026-05-01T10:00:00Z', to: '2026-05-01T09:00:00Z' },
        ],
        'calendars[1]': { key: 'empty', tz: 'UTC', attendances: [] },
        'calendars[2]': { key: 'local', tz: 'local', attendances: [{ days: [1], from: '00:00', to: '24:00' }] },
      }),
    ).toMatchObject({
      'calendars[0].attendances[0].from': 'invalid_format',
      'calendars[0].attendances[1].to': 'invalid_format',
      'calendars[0].attendances[2].days': 'too_small',
      'calendars[0].attendances[3].days[0]': 'too_big',
      'calendars[0].attendances[3].weekParity': 'invalid_union',
      'calendars[0].attendances[4].validTo': 'invalid_range',
      'calendars[0].holidays[0]': 'invalid_format',
      'calendars[0].leaves[0].from': 'invalid_format',
      'calendars[0].leaves[1].to': 'invalid_range',
      'calendars[1].attendances': 'too_small',
      'calendars[2].tz': 'invalid_time_zone',
    });
  });

  it('checks SLA milestones, urgency and actions', () => {
    expect(
      issuesAfter({
        'slas[0].goal': 'PT2H', // after the 1 h deadline
        'slas[1].deadline': null,
        'slas[1].goal': 'PT1H',
        'slas[1].passedDeadline': { every: 'PT1H' },
        'slas[2]': { key: 'none' },
        'slas[3]': {
          key: 'bad',
          deadline: 'P1D',
          urgency: { goal: 101 },
          pauseIn: ['WAITING', 'WAITING'],
          actions: {
            deadline: [{ kind: 'raise_urgency', by: 0 }, { kind: 'escalate' }, { kind: 'reassign', to: 'team' }],
          },
        },
      }),
    ).toMatchObject({
      'slas[0].goal': 'invalid_range',
      'slas[1].passedDeadline': 'missing_deadline',
      'slas[2]': 'missing_milestone',
      'slas[3].urgency.goal': 'too_big',
      'slas[3].pauseIn': 'duplicate_state',
      'slas[3].actions.deadline[0].by': 'too_small',
      'slas[3].actions.deadline[1].kind': 'invalid_union',
      'slas[3].actions.deadline[2].to': 'invalid_union',
    });
  });

  it('compares times and dates only when they are well-formed', () => {
    expect(issuesAfter({ 'calendars[0].attendances[1].from': '9:00' })).toEqual({
      'calendars[0].attendances[1].from': 'invalid_format',
    });
    expect(
      issuesAfter({
        'calendars[0].attendances[2].validFrom': '2026-13-01',
        'calendars[0].leaves[0].from': 'tomorrow',
      }),
    ).toEqual({
      'calendars[0].attendances[2].validFrom': 'invalid_format',
      'calendars[0].leaves[0].from': 'invalid_format',
    });
  });

  it('refuses dropAfter on a skill that is not additional', () => {
    expect(issuesAfter({ 'services[2].skills[1].additional': false })).toEqual({
      'services[2].skills[1].dropAfter': 'drop_after_needs_additional',
    });
  });

  it('reports dangling references and duplicates at their paths', () => {
    const allDay = [{ days: [1], from: '00:00', to: '24:00' }];
    const issues = issuesAfter({
      'services[1].skills[0].skill': 'surgery',
      'services[1].sla': 'ghost',
      'services[2].skills[2]': { skill: 'laser', level: 1 },
      'operators[0].calendar': 'night',
      'operators[0].skills[1].skill': 'triage',
      'operators[1].skills': [{ skill: 'juggling', level: 2 }],
      'resources[0].calendar': 'weekend',
      'slas[0].calendar': 'holiday',
      'slas[0].actions.deadline[1].to': { role: 'doctor' },
      'slas[0].actions.passed[0].to': { operator: 'zed' },
      'slas[0].actions.goal[0].roles': ['lead', 'janitor'],
      'slas[0].actions.goal[0].operators': ['nobody'],
      'skills[3]': { key: 'laser', label: 'Laser again' },
      'calendars[1]': { key: 'clinic', tz: 'UTC', attendances: allDay },
      'calendars[2]': { key: '24x7', tz: 'UTC', attendances: allDay },
      'slas[2]': { key: 'fast', deadline: 'PT1H' },
    });
    expect(issues).toEqual({
      'services[1].skills[0].skill': 'unknown_reference',
      'services[1].sla': 'unknown_reference',
      'services[2].skills[2].skill': 'duplicate_skill',
      'operators[0].calendar': 'unknown_reference',
      'operators[0].skills[1].skill': 'duplicate_skill',
      'operators[1].skills[0].skill': 'unknown_reference',
      'resources[0].calendar': 'unknown_reference',
      'slas[0].calendar': 'unknown_reference',
      'slas[0].actions.deadline[1].to.role': 'unknown_reference',
      'slas[0].actions.passed[0].to.operator': 'unknown_reference',
      'slas[0].actions.goal[0].roles[1]': 'unknown_reference',
      'slas[0].actions.goal[0].operators[0]': 'unknown_reference',
      'skills[3].key': 'duplicate_key',
      'calendars[1].key': 'duplicate_key',
      'calendars[2].key': 'reserved_key',
      'slas[2].key': 'duplicate_key',
    });
    const result = validateDesign(patched({ 'operators[0].calendar': 'night' }));
    expect(result.ok ? '' : result.issues[0].message).toBe(
      'operator "amy" refers to calendar "night", which is not defined in calendars',
    );
  });

  it('checks scheduler settings', () => {
    expect(
      issuesAfter({
        scheduler: { agingPointsPerHour: -1, fairQuantumMs: 0.5, distribution: 'broadcast', extra: 1 },
        'roles[0].scheduler': { assignBy: 'random' },
      }),
    ).toMatchObject({
      'scheduler.agingPointsPerHour': 'too_small',
      'scheduler.fairQuantumMs': 'invalid_type',
      'scheduler.distribution': 'invalid_value',
      scheduler: 'unrecognized_keys',
      'roles[0].scheduler.assignBy': 'invalid_value',
    });
    expect(issuesAfter({ scheduler: { agingPointsPerHour: 100_001 } })).toEqual({
      'scheduler.agingPointsPerHour': 'too_big',
    });
  });

  it('round-trips through the native format', () => {
    const design = DesignDocument.parse(withScheduler());
    const yaml = serializeNativeDesign(design);
    expect(parseNativeDesign(yaml)).toEqual(design);
    expect(yaml).toContain('tz: Asia/Shanghai');
    // Hand-written YAML: times and dates stay strings (YAML 1.2 core schema).
    const text = [
      'schemaVersion: 1',
      'name: y',
      'calendars:',
      '  - key: c',
      '    tz: Europe/Berlin',
      '    attendances: [{ days: [1, 2], from: 08:00, to: 24:00 }]',
      '    holidays: [2026-12-25]',
      'slas: [{ key: s, calendar: c, goal: PT4H, deadline: P1D }]',
    ].join('\n');
    const parsed = parseNativeDesign(text);
    expect(parsed.calendars[0].attendances[0]).toMatchObject({ from: '08:00', to: '24:00' });
    expect(parsed.calendars[0].holidays).toEqual(['2026-12-25']);
  });

  it('merges the new collections by key; the scheduler settings are incoming’s', () => {
    const current = DesignDocument.parse(withScheduler());
    const incoming = DesignDocument.parse({
      schemaVersion: 1,
      name: 'next',
      skills: [
        { key: 'laser', label: 'Laser (new)' },
        { key: 'botox', label: 'Botox' },
      ],
      calendars: [{ key: 'night', tz: 'UTC', attendances: [{ days: [1], from: '20:00', to: '24:00' }] }],
      slas: [{ key: 'fast', deadline: 'PT2H' }],
      scheduler: { distribution: 'push' },
    });
    const merged = mergeDesigns(current, incoming);
    expect(merged.skills.map((s) => [s.key, s.label])).toEqual([
      ['triage', 'Triage'],
      ['laser', 'Laser (new)'],
      ['mandarin', 'Mandarin'],
      ['botox', 'Botox'],
    ]);
    expect(merged.calendars.map((c) => c.key)).toEqual(['clinic', 'night']);
    expect(merged.slas.map((s) => [s.key, s.deadline])).toEqual([
      ['fast', 'PT2H'],
      ['slow', 'P2D'],
    ]);
    expect(merged.scheduler).toEqual({ ...KERNEL_DEFAULTS, distribution: 'push' });
    expect(designHash(mergeDesigns(merged, incoming))).toBe(designHash(merged));
  });

  it('merges onto a document stored before the sections existed', () => {
    const stored = { schemaVersion: 1, name: 'stored', services: [{ key: 's', label: 'S', kind: 'manual' }] };
    const raw = JSON.parse(JSON.stringify(DesignDocument.parse(stored))) as Record<string, unknown>;
    for (const field of ['skills', 'calendars', 'slas', 'scheduler']) delete raw[field];
    const incoming = DesignDocument.parse({ schemaVersion: 1, name: 'next', skills: [{ key: 'k', label: 'K' }] });
    const merged = mergeDesigns(raw as DesignDocument, incoming);
    expect(merged.skills.map((s) => s.key)).toEqual(['k']);
    expect(merged.calendars).toEqual([]);
    expect(validateDesign(merged).ok).toBe(true);
  });
});
