import { describe, expect, it } from 'vitest';
import { calendarOf, schedulerIndex, serviceSchedule } from '../src/scheduler/design';
import { DEFAULT_SCHEDULER_SETTINGS } from '../src/scheduler/types';

describe('the scheduler’s index of a design', () => {
  it('a design without scheduler sections gets the defaults: pull, weight 1, 30 minutes, lanes without skills', () => {
    const index = schedulerIndex({
      services: [
        { key: 'intake', routeTo: 'nurse' },
        { key: 'exam', routeTo: null },
      ],
      roles: [
        { key: 'nurse', services: ['intake'] },
        { key: 'doctor', services: ['exam'] },
      ],
    });
    expect(index.settings).toEqual(DEFAULT_SCHEDULER_SETTINGS);
    expect(serviceSchedule(index, 'exam')).toMatchObject({
      requirements: [],
      weight: 1,
      expectedMs: 1_800_000,
      sla: null,
    });
    expect(serviceSchedule(index, 'unknown').weight).toBe(1);
    expect([...index.lanes].sort()).toEqual(['doctor|', 'nurse|']);
    expect(index.roles.get('nurse')).toEqual({ distribution: 'pull', assignBy: 'most_capacity' });
  });

  it('turns durations and leaves into ms, SLAs into definitions, and lists strict and relaxed lanes', () => {
    const index = schedulerIndex({
      services: [
        {
          key: 'laser',
          routeTo: 'nurse',
          skills: [
            { skill: 'laser', level: 3 },
            { skill: 'french', level: 1, additional: true, dropAfter: 'PT10M' },
          ],
          capacityWeight: 2,
          expectedDuration: 'PT45M',
          sla: 'visit',
          resourceRequirements: [{ resourceType: 'room', quantity: 1 }],
        },
      ],
      roles: [{ key: 'nurse', services: ['laser'], scheduler: { distribution: 'push' } }],
      calendars: [
        {
          key: 'office',
          tz: 'Asia/Shanghai',
          attendances: [{ days: [1, 2, 3, 4, 5], from: '09:00', to: '18:00' }],
          leaves: [{ from: '2026-12-24T00:00:00+08:00', to: '2026-12-26T00:00:00+08:00', reason: 'closed' }],
        },
      ],
      slas: [
        {
          key: 'visit',
          calendar: 'office',
          goal: 'PT2H',
          deadline: 'PT4H',
          passedDeadline: { every: 'PT1H', times: null },
          urgency: { deadline: 30 },
        },
      ],
      scheduler: { agingPointsPerHour: 120 },
    });
    expect(index.settings.agingPointsPerHour).toBe(120);
    expect(serviceSchedule(index, 'laser')).toMatchObject({
      weight: 2,
      expectedMs: 45 * 60_000,
      relaxAfterMs: 10 * 60_000,
      sla: 'visit',
      resources: [{ type: 'room', quantity: 1 }],
    });
    expect([...index.lanes].sort()).toEqual(['nurse|french>=1,laser>=3', 'nurse|laser>=3']);
    expect(index.roles.get('nurse')).toEqual({ distribution: 'push', assignBy: 'most_capacity' });
    expect(calendarOf(index, 'office')!.leaves).toEqual([
      { from: Date.parse('2026-12-23T16:00:00Z'), to: Date.parse('2026-12-25T16:00:00Z'), reason: 'closed' },
    ]);
    expect(calendarOf(index, '24x7')).toBeNull();
    expect(index.slas.get('visit')).toMatchObject({
      goalMs: 7_200_000,
      deadlineMs: 14_400_000,
      passed: { everyMs: 3_600_000, times: null },
      urgency: { goal: 10, deadline: 30, passed: 10 },
      pauseIn: ['WAITING', 'SUSPENDED'],
    });
    expect(index.slas.get('visit')!.calendar?.key).toBe('office');
  });

  it('refuses a malformed duration with the element named', () => {
    expect(() =>
      schedulerIndex({ services: [{ key: 's', routeTo: null, expectedDuration: '30 minutes' }], roles: [] }),
    ).toThrow(/services\.s\.expectedDuration/);
  });
});
