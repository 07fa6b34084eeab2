import { Inject, Injectable } from '@nestjs/common';
import type { BookingView, ResourceView } from '@opkernel/contracts';
import { ALWAYS_OPEN, type Clock } from '@opkernel/kernel';
import { CLOCK } from '../../infra/clock/clock.module';
import { PROBLEM_TYPES, ProblemException } from '../../infra/problem/problem.exception';
import { CalendarsRepository } from '../calendars/calendars.repository';
import { SchedulerDispatcher } from '../scheduler/dispatcher.service';
import { ResourcesRepository } from './resources.repository';

const DAY_MS = 86_400_000;

/**
 * Rooms and machines for staff and admins: list them with what is in use, see and make external bookings, block
 * and release them. Making one available or cancelling a booking wakes the tasks waiting for its type.
 */
@Injectable()
export class ResourcesService {
  constructor(
    private readonly repo: ResourcesRepository,
    private readonly dispatcher: SchedulerDispatcher,
    private readonly calendars: CalendarsRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Resources, of one type or all. */
  list(type: string | null): Promise<ResourceView[]> {
    return this.repo.list(type, new Date(this.clock.now()));
  }

  /** One resource. @throws ProblemException 404 */
  async one(key: string): Promise<ResourceView> {
    const found = (await this.list(null)).find((r) => r.key === key);
    if (!found) throw ProblemException.notFound(`resource ${key} does not exist`);
    return found;
  }

  /** Sets a resource's state (admin); available again wakes its waiters. @throws ProblemException 404 */
  async setState(key: string, state: ResourceView['state']): Promise<ResourceView> {
    const type = await this.repo.setState(key, state);
    if (type === null) throw ProblemException.notFound(`resource ${key} does not exist`);
    if (state === 'available') await this.dispatcher.wake([type]);
    return this.one(key);
  }

  /**
   * Renames, resizes or re-calendars a resource (admin). More slots or another calendar wake the tasks waiting for
   * its type. @throws ProblemException 404; 422 naming `calendar` for an unknown calendar; 409 RESOURCE_IN_USE
   *   for a capacity below the slots live bookings hold now
   */
  async patch(key: string, change: { label?: string; capacity?: number; calendar?: string | null }) {
    const calendar = change.calendar;
    if (calendar && calendar !== ALWAYS_OPEN && !(await this.calendars.calendar(calendar)))
      throw ProblemException.unprocessable(`no calendar "${calendar}"`, [
        { field: 'calendar', message: 'no such calendar' },
      ]);
    const before = await this.one(key);
    const done = await this.repo.patch(key, change, new Date(this.clock.now()));
    if (done === null) throw ProblemException.notFound(`resource ${key} does not exist`);
    if (!done.updated)
      throw new ProblemException({
        status: 409,
        type: PROBLEM_TYPES.conflict,
        title: 'Resource in use',
        detail: `resource ${key} has live bookings of ${done.slotsInUse} slot(s): its capacity cannot go below that`,
        errors: [{ field: 'capacity', message: `must be at least ${done.slotsInUse} while those bookings last` }],
        extra: { code: 'RESOURCE_IN_USE', slotsInUse: done.slotsInUse },
      });
    // Commands read a resource's capacity and calendar key from its row: the waiters of its type may fit now.
    if ((change.capacity ?? 0) > before.capacity || (calendar !== undefined && calendar !== before.calendar))
      await this.dispatcher.wake([done.type]);
    return this.one(key);
  }

  /** Bookings of a resource overlapping `[from, to)` (default: from a day ago to a day ahead). @throws 404 */
  async bookings(key: string, from?: string, to?: string): Promise<BookingView[]> {
    await this.one(key);
    const now = this.clock.now();
    return this.repo.bookings(
      key,
      new Date(from ? Date.parse(from) : now - DAY_MS),
      new Date(to ? Date.parse(to) : now + DAY_MS),
    );
  }

  /**
   * An external booking (admin: a meeting, maintenance, an appointment): one slot over `[from, to)`.
   * @throws ProblemException 404; 422 naming `slot` beyond the capacity; 409 BOOKING_CONFLICT when it is taken
   */
  async book(key: string, body: { from: string; to: string; slot?: number; note?: string }): Promise<BookingView> {
    const resource = await this.one(key);
    if (body.slot !== undefined && body.slot >= resource.capacity)
      throw ProblemException.unprocessable(`resource ${key} has ${resource.capacity} slot(s)`, [
        { field: 'slot', message: `must be below ${resource.capacity}` },
      ]);
    const booked = await this.repo.book(
      key,
      resource.capacity,
      new Date(Date.parse(body.from)),
      new Date(Date.parse(body.to)),
      body.slot ?? null,
      body.note ?? null,
    );
    if (!booked)
      throw new ProblemException({
        status: 409,
        type: PROBLEM_TYPES.conflict,
        title: 'Booking conflict',
        detail: `resource ${key} is booked over that time`,
        extra: { code: 'BOOKING_CONFLICT' },
      });
    return booked;
  }

  /** Cancels a live booking (admin) and wakes the tasks waiting for its type. @throws ProblemException 404 */
  async cancel(id: number): Promise<void> {
    const type = await this.repo.cancel(id);
    if (type === null)
      throw ProblemException.notFound(
        `booking ${id} does not exist, has ended, or belongs to a task (it ends with it)`,
      );
    await this.dispatcher.wake([type]);
  }
}
