import { describe, expect, it } from 'vitest';
import { mergeDesigns } from '../merge/merge-designs';
import { DesignDocument, type DesignDocumentInput, scheduleRepeat } from '../model';
import { validateDesign } from './validate-design';

/** A design with one program, one system service and whatever schedules a test gives it. */
function design(schedules: unknown[]): DesignDocumentInput {
  return {
    schemaVersion: 1,
    name: 'schedules',
    services: [
      { key: 'prog', label: 'Program', kind: 'program' },
      { key: 'nightly', label: 'Nightly check', kind: 'system' },
    ],
    entityTypes: [{ key: 'Site', label: 'Site' }],
    schedules: schedules as DesignDocumentInput['schedules'],
  };
}

const codes = (input: DesignDocumentInput) => {
  const r = validateDesign(input);
  return r.ok ? [] : r.issues.map((i) => `${i.path} ${i.code}`);
};

describe('design schedules', () => {
  it('accepts a cron schedule (5 or 6 fields) and an every schedule, with defaults', () => {
    const r = validateDesign(
      design([
        { key: 'morning', cron: '0 9 * * 1-5', tz: 'Asia/Shanghai', start: 'nightly' },
        { key: 'seconds', cron: '*/10 * * * * *', start: 'nightly', entity: { type: 'Site', label: 'HQ' } },
        { key: 'tick', every: 'PT15M', start: 'nightly', priority: 700, enabled: false },
      ]),
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.design.schedules.map((s) => [s.key, s.tz, s.enabled])).toEqual([
      ['morning', 'Asia/Shanghai', true],
      ['seconds', 'UTC', true],
      ['tick', 'UTC', false],
    ]);
    expect(r.design.schedules.map(scheduleRepeat)).toEqual([
      { pattern: '0 9 * * 1-5', tz: 'Asia/Shanghai' },
      { pattern: '*/10 * * * * *', tz: 'UTC' },
      { every: 15 * 60_000 },
    ]);
  });

  it('refuses bad cron patterns, zones and durations with their codes', () => {
    expect(
      codes(
        design([
          { key: 'a', cron: '61 * * * *', start: 'nightly' },
          { key: 'b', cron: '* * * *', start: 'nightly' },
          { key: 'c', cron: '@daily', start: 'nightly' },
          { key: 'd', cron: '0 9 * * *', tz: 'Mars/Olympus', start: 'nightly' },
          { key: 'e', every: 'PT0.5S', start: 'nightly' },
          { key: 'f', every: 'soon', start: 'nightly' },
        ]),
      ),
    ).toEqual([
      'schedules[0].cron invalid_cron',
      'schedules[1].cron invalid_cron',
      'schedules[2].cron invalid_cron',
      'schedules[3].tz invalid_time_zone',
      'schedules[4].every invalid_duration',
      'schedules[5].every invalid_duration',
    ]);
  });

  it('needs exactly one of cron and every', () => {
    expect(
      codes(
        design([
          { key: 'both', cron: '0 9 * * *', every: 'PT1H', start: 'nightly' },
          { key: 'neither', start: 'nightly' },
        ]),
      ),
    ).toEqual(['schedules[0].every schedule_shape', 'schedules[1].cron schedule_shape']);
  });

  it('start names a service that is not a program; entity.type an entity type; keys are unique', () => {
    expect(
      codes(
        design([
          { key: 'x', every: 'PT1H', start: 'prog' },
          { key: 'y', every: 'PT1H', start: 'nobody' },
          { key: 'z', every: 'PT1H', start: 'nightly', entity: { type: 'Planet', label: 'Mars' } },
          { key: 'z', every: 'PT1H', start: 'nightly' },
        ]),
      ),
    ).toEqual([
      'schedules[3].key duplicate_key',
      'schedules[0].start unknown_reference',
      'schedules[1].start unknown_reference',
      'schedules[2].entity.type unknown_reference',
    ]);
  });

  it('an import upserts schedules by key (disable one by importing it with enabled: false)', () => {
    const v1 = DesignDocument.parse(design([{ key: 'tick', every: 'PT1M', start: 'nightly' }]));
    const v2 = mergeDesigns(
      v1,
      DesignDocument.parse(design([{ key: 'tick', every: 'PT1M', start: 'nightly', enabled: false }])),
    );
    expect(v2.schedules).toEqual([{ key: 'tick', every: 'PT1M', start: 'nightly', tz: 'UTC', enabled: false }]);
  });
});
