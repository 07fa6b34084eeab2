import { Injectable } from '@nestjs/common';
import type { CalendarLeaveView, CalendarView } from '@opkernel/contracts';
import { BUILTIN_CALENDAR_KEY, Key } from '@opkernel/design';
import { PROBLEM_TYPES, ProblemException } from '../../infra/problem/problem.exception';
import { DesignRegistry } from '../designs/design-registry.service';
import { SchedulerDispatcher } from '../scheduler/dispatcher.service';
import type { CalendarPut, LeavePost } from './calendar-body';
import { CalendarsRepository, type CalendarRow } from './calendars.repository';
import { RuntimeCalendars } from './runtime-calendars.service';

/**
 * The business calendars the scheduler uses (admin): weekly attendances in a time zone, holidays and leaves of
 * the whole calendar or of one operator or resource. A design import writes the design's; these routes change
 * them at runtime. Every change is seen at once by this API process (others within `CALENDARS_CACHE_MS`): get-next
 * and push refuse work off shift or on leave, rooms and machines are fitted against their calendar, and SLA
 * clocks count business time on it. A change that may open time wakes the tasks waiting for the calendar's rooms
 * and machines and offers push work to its operators.
 */
@Injectable()
export class CalendarsService {
  constructor(
    private readonly repo: CalendarsRepository,
    private readonly runtime: RuntimeCalendars,
    private readonly designs: DesignRegistry,
    private readonly dispatcher: SchedulerDispatcher,
  ) {}

  /** Every calendar with its leaves and users, by key. */
  async list(): Promise<CalendarView[]> {
    const rows = await this.repo.calendars();
    return Promise.all(rows.map((r) => this.view(r)));
  }

  /** One calendar. @throws ProblemException 404 */
  async one(key: string): Promise<CalendarView> {
    return this.view(await this.existing(key));
  }

  /**
   * Creates or replaces calendar `key` (its leaves stay). @throws ProblemException 422 naming `key` for a key
   * that is not a design key or is the built-in `24x7`
   */
  async put(key: string, body: CalendarPut): Promise<{ calendar: CalendarView; created: boolean }> {
    if (!Key.safeParse(key).success || key === BUILTIN_CALENDAR_KEY)
      throw ProblemException.unprocessable(`"${key}" cannot name a calendar`, [
        {
          field: 'key',
          message:
            key === BUILTIN_CALENDAR_KEY
              ? `"${BUILTIN_CALENDAR_KEY}" is built in (always open)`
              : 'must contain only letters, digits, "_", "-" or "." (1–120)',
        },
      ]);
    const created = await this.repo.upsert({
      key,
      label: body.label ?? null,
      tz: body.timeZone,
      attendances: body.attendances,
      holidays: body.holidays,
    });
    await this.changed(key);
    return { calendar: await this.one(key), created };
  }

  /**
   * Deletes a calendar and its leaves. @throws ProblemException 404; 409 CALENDAR_IN_USE naming the operators,
   * resources and SLAs of the current design that use it
   */
  async delete(key: string): Promise<void> {
    const row = await this.existing(key);
    const usedBy = await this.usedBy(row.key);
    const users = [
      ...usedBy.operators.map((k) => `operator ${k}`),
      ...usedBy.resources.map((k) => `resource ${k}`),
      ...usedBy.slas.map((k) => `SLA ${k}`),
    ];
    if (users.length > 0 || !(await this.repo.delete(key)))
      throw new ProblemException({
        status: 409,
        type: PROBLEM_TYPES.conflict,
        title: 'Calendar in use',
        detail: `calendar ${key} is in use by ${users.join(', ') || 'an operator or resource'}`,
        extra: { code: 'CALENDAR_IN_USE', usedBy },
      });
    await this.runtime.changed();
  }

  /**
   * Adds a leave `[from, to)` to calendar `key`: of the whole calendar, or of one operator or resource (counted
   * against them whatever calendar they are on). @throws ProblemException 404; 422 naming `operator` / `resource`
   * when there is no such one
   */
  async addLeave(key: string, body: LeavePost): Promise<CalendarLeaveView> {
    await this.existing(key);
    if (body.operator !== undefined && !(await this.repo.operatorExists(body.operator)))
      throw ProblemException.unprocessable(`operator ${body.operator} does not exist`, [
        { field: 'operator', message: 'no such operator' },
      ]);
    if (body.resource !== undefined && !(await this.repo.resourceExists(body.resource)))
      throw ProblemException.unprocessable(`resource ${body.resource} does not exist`, [
        { field: 'resource', message: 'no such resource' },
      ]);
    const leave = await this.repo.addLeave(key, {
      operator: body.operator ?? null,
      resource: body.resource ?? null,
      from: body.from,
      to: body.to,
      reason: body.reason ?? null,
    });
    await this.runtime.changed();
    return leave;
  }

  /** Deletes leave `id` of calendar `key`; the time it closed is open again. @throws ProblemException 404 */
  async deleteLeave(key: string, id: number): Promise<void> {
    await this.existing(key);
    const leave = await this.repo.deleteLeave(key, id);
    if (!leave) throw ProblemException.notFound(`calendar ${key} has no leave ${id}`);
    await this.changed(key, leave);
  }

  private async existing(key: string): Promise<CalendarRow> {
    const row = await this.repo.calendar(key);
    if (!row) throw ProblemException.notFound(`calendar ${key} does not exist`);
    return row;
  }

  private async view(row: CalendarRow): Promise<CalendarView> {
    return {
      key: row.key,
      label: row.label,
      timeZone: row.tz,
      attendances: row.attendances,
      holidays: row.holidays,
      leaves: await this.repo.leaves(row.key),
      usedBy: await this.usedBy(row.key),
    };
  }

  /** The operators and resources on calendar `key`, and the current design's SLAs counting on it. */
  private async usedBy(key: string): Promise<CalendarView['usedBy']> {
    const current = await this.designs.current();
    const slas = [...(current?.index.scheduler.slas.values() ?? [])]
      .filter((s) => s.calendarKey === key)
      .map((s) => s.key)
      .sort();
    return { ...(await this.repo.usedBy(key)), slas };
  }

  /**
   * After a change that may open time on calendar `key` (or, for one removed leave, on its operator or resource):
   * drops the cached calendars, wakes the tasks waiting for the rooms and machines concerned and offers push work
   * to the operators concerned (both idempotent).
   */
  private async changed(key: string, leave?: CalendarLeaveView): Promise<void> {
    await this.runtime.changed();
    if (leave?.operator) return this.offer([leave.operator]);
    const types = await this.repo.resourceTypes(key, leave?.resource ?? null);
    if (types.length > 0) await this.dispatcher.wake(types);
    if (!leave?.resource) await this.offer((await this.repo.usedBy(key)).operators);
  }

  private async offer(operators: string[]): Promise<void> {
    const version = await this.designs.currentVersion();
    if (version === null) return;
    for (const operator of operators) await this.dispatcher.offer(operator, version);
  }
}
