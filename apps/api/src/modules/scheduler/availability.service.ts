import { Inject, Injectable } from '@nestjs/common';
import type { Availability } from '@opkernel/contracts';
import {
  ALWAYS_OPEN,
  calendarOf,
  isOpen,
  lanesFor,
  nextOpen,
  openUntil,
  operatorOwner,
  type Clock,
  type SkillLevel,
} from '@opkernel/kernel';
import { CLOCK } from '../../infra/clock/clock.module';
import { ProblemException } from '../../infra/problem/problem.exception';
import { DesignRegistry } from '../designs/design-registry.service';
import { SchedulerDispatcher } from './dispatcher.service';
import { OperatorStateRepository } from './operator-state.repository';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * Operators' availability for the scheduler: presence (set by the operator), and the admin's capacity, calendar
 * and skills (a design import sets them too), all checked against the current design.
 */
@Injectable()
export class AvailabilityService {
  constructor(
    private readonly states: OperatorStateRepository,
    private readonly designs: DesignRegistry,
    private readonly dispatcher: SchedulerDispatcher,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  private async current() {
    const current = await this.designs.current();
    if (!current) throw ProblemException.conflict('no design has been imported yet');
    return current.index;
  }

  /**
   * Whether get-next would hand `operator` work now, and why not: presence, shift (their calendar in the current
   * design), load and capacity, skills, and the lanes they draw from.
   * @param roles the operator's roles (the caller's own, or read for an admin's question)
   */
  async of(operator: string, roles: readonly string[]): Promise<Availability> {
    const index = await this.current();
    const row = await this.states.get(operator);
    const design = index.scheduler.operators.get(operator);
    const skills: SkillLevel[] = row
      ? Object.entries(row.skills).map(([skill, level]) => ({ skill, level }))
      : (design?.skills ?? []);
    const calendarKey = row ? row.calendar : (design?.calendar ?? null);
    const calendar = calendarOf(index.scheduler, calendarKey, operatorOwner(operator));
    const now = this.clock.now();
    const onShift = isOpen(calendar, now);
    return {
      operator,
      presence: row?.presence ?? 'available',
      onShift,
      shiftEndsAt: onShift && calendar ? iso(openUntil(calendar, now)) : null,
      nextShiftAt: onShift ? null : iso(nextOpen(calendar, now)),
      calendar: calendarKey,
      load: row?.load ?? 0,
      capacity: row ? row.capacity : (design?.capacity ?? null),
      skills,
      lanes: lanesFor(roles, skills, index.scheduler.lanes),
      lastAssignedAt: row?.lastAssignedAt?.toISOString() ?? null,
    };
  }

  /** An operator's availability as an admin asks for it. @throws ProblemException 404 for an unknown operator */
  async ofOperator(operator: string): Promise<Availability> {
    const roles = await this.states.roles(operator);
    if (roles === null) throw ProblemException.notFound(`operator ${operator} does not exist`);
    return this.of(operator, roles);
  }

  /** Sets the caller's presence; becoming available offers them waiting push work at once. */
  async setPresence(operator: string, status: 'available' | 'away' | 'offline'): Promise<void> {
    await this.states.set(operator, 'presence', status);
    const version = status === 'available' ? await this.designs.currentVersion() : null;
    if (version !== null) await this.dispatcher.offer(operator, version);
  }

  /**
   * Sets an operator's skills (admin). @throws ProblemException 404 (unknown operator), 422 naming `[i].skill` for
   * a skill the current design does not define or one listed twice
   */
  async setSkills(operator: string, skills: { skill: string; level: number }[]): Promise<Availability> {
    const roles = await this.known(operator);
    const design = await this.current();
    const defined = new Set(design.scheduler.skills);
    const errors = skills.flatMap((s, i) =>
      !defined.has(s.skill)
        ? [{ field: `[${i}].skill`, message: `no skill "${s.skill}" in the current design` }]
        : skills.findIndex((t) => t.skill === s.skill) !== i
          ? [{ field: `[${i}].skill`, message: `skill "${s.skill}" is listed twice` }]
          : [],
    );
    if (errors.length > 0) throw ProblemException.unprocessable('the skills are invalid', errors);
    await this.states.set(
      operator,
      'skills',
      JSON.stringify(Object.fromEntries(skills.map((s) => [s.skill, s.level]))),
    );
    return this.of(operator, roles);
  }

  /** Sets an operator's capacity (admin; null = unlimited). @throws ProblemException 404 (unknown operator) */
  async setCapacity(operator: string, capacity: number | null): Promise<Availability> {
    const roles = await this.known(operator);
    await this.states.set(operator, 'capacity', capacity);
    return this.of(operator, roles);
  }

  /**
   * Sets an operator's calendar (admin; null = always on shift). @throws ProblemException 404 (unknown operator),
   * 422 naming `calendar` for one that does not exist (the stored calendars, see `/calendars`)
   */
  async setCalendar(operator: string, calendar: string | null): Promise<Availability> {
    const roles = await this.known(operator);
    if (calendar !== null && calendar !== ALWAYS_OPEN && !(await this.current()).scheduler.calendars.has(calendar))
      throw ProblemException.unprocessable(`no calendar "${calendar}"`, [
        { field: 'calendar', message: 'no such calendar' },
      ]);
    await this.states.set(operator, 'calendar', calendar);
    return this.of(operator, roles);
  }

  private async known(operator: string): Promise<string[]> {
    const roles = await this.states.roles(operator);
    if (roles === null) throw ProblemException.notFound(`operator ${operator} does not exist`);
    return roles;
  }
}
