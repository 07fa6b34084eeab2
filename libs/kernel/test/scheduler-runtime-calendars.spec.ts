import { describe, expect, it } from 'vitest';
import { isOpen, nextOpen } from '../src/scheduler/calendar';
import {
  calendarOf,
  operatorOwner,
  resourceOwner,
  schedulerIndex,
  withRuntimeCalendars,
} from '../src/scheduler/design';
import type { CalendarDef, Leave } from '../src/scheduler/types';

const at = (iso: string) => Date.parse(iso);
const DESIGN = {
  services: [{ key: 'claim', routeTo: 'nurse', sla: 'biz' }],
  roles: [{ key: 'nurse', services: ['claim'] }],
  calendars: [{ key: 'office', tz: 'UTC', attendances: [{ days: [1, 2, 3, 4, 5], from: '09:00', to: '17:00' }] }],
  slas: [
    { key: 'biz', calendar: 'office', goal: 'PT1H', deadline: null },
    { key: 'always', goal: 'PT1H', deadline: null },
  ],
};
const early: CalendarDef = {
  key: 'office',
  tz: 'UTC',
  attendances: [{ days: [1, 2, 3, 4, 5], from: '06:00', to: '08:00' }],
  holidays: [],
  leaves: [],
};

describe('runtime calendars over a design’s scheduler index', () => {
  it('replace the design’s calendars, and SLAs count on the replacement by key; the design’s index is untouched', () => {
    const index = schedulerIndex(DESIGN);
    const runtime = withRuntimeCalendars(index, new Map([['office', early]]), new Map());
    expect(runtime.calendars.get('office')).toBe(early);
    expect(runtime.slas.get('biz')!.calendar).toBe(early);
    expect(runtime.slas.get('always')!.calendar).toBeNull();
    expect(index.slas.get('biz')!.calendar!.attendances[0]!.from).toBe('09:00');
    // A calendar no longer stored counts as 24x7 for the SLAs that name it.
    expect(withRuntimeCalendars(index, new Map(), new Map()).slas.get('biz')!.calendar).toBeNull();
  });

  it("an owner's leaves close their calendar for them only; a 24x7 owner on leave is closed during the leave", () => {
    const leave: Leave = { from: at('2027-01-04T10:00:00Z'), to: at('2027-01-04T12:00:00Z') };
    const index = withRuntimeCalendars(
      schedulerIndex(DESIGN),
      new Map([['office', { ...early, attendances: [{ days: [1], from: '09:00', to: '17:00' }] }]]),
      new Map([
        [operatorOwner('amy'), [leave]],
        [resourceOwner('room-a'), [leave]],
      ]),
    );
    const t = at('2027-01-04T11:00:00Z'); // a Monday
    expect(isOpen(calendarOf(index, 'office'), t)).toBe(true);
    expect(isOpen(calendarOf(index, 'office', operatorOwner('bob')), t)).toBe(true);
    const amys = calendarOf(index, 'office', operatorOwner('amy'));
    expect(isOpen(amys, t)).toBe(false);
    expect(nextOpen(amys, t)).toBe(leave.to);
    const room = calendarOf(index, null, resourceOwner('room-a'));
    expect(isOpen(room, t)).toBe(false);
    expect(isOpen(room, at('2027-01-09T03:00:00Z'))).toBe(true); // a Saturday night: 24x7 apart from the leave
    expect(calendarOf(index, '24x7', resourceOwner('room-b'))).toBeNull();
  });
});
