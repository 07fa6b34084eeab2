import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import {
  operatorOwner,
  resourceOwner,
  type CalendarDef,
  type Clock,
  type Leave,
  CALENDAR_HORIZON_MS,
} from '@opkernel/kernel';
import { CLOCK } from '../../infra/clock/clock.module';
import { CalendarsRepository } from './calendars.repository';

/** How long one API process keeps the runtime calendars, ms (another process's change shows within this bound). */
export const CALENDARS_CACHE_MS = 2_000;

/** The calendars the scheduler uses: by key, and the leaves of single operators and resources by owner key. */
export type CalendarSnapshot = {
  calendars: Map<string, CalendarDef>;
  ownerLeaves: Map<string, Leave[]>;
};

/**
 * The runtime calendars as kernel {@link CalendarDef}s, held in memory. Commands read them inside their
 * transaction, so a read never waits for the database once a snapshot exists (that could exhaust the pool):
 * past {@link CALENDARS_CACHE_MS} it answers the snapshot it has and reloads in the background, so a change by
 * another API process shows within about that bound (as the design version list). A change in this process is
 * loaded by {@link changed} before the changing request answers: it takes effect at once. Leaves that ended more
 * than a calendar horizon (370 days) ago are left out: no walk meets them.
 */
@Injectable()
export class RuntimeCalendars implements OnModuleInit {
  private readonly log = new Logger(RuntimeCalendars.name);
  private current: { snapshot: CalendarSnapshot; loadedAt: number } | null = null;
  private loading: Promise<CalendarSnapshot> | null = null;
  /** Bumped by {@link changed}: a load that started before a change does not replace a newer one. */
  private generation = 0;

  constructor(
    private readonly repo: CalendarsRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Loads the calendars before the first request (a failure is logged; the first read then loads them). */
  async onModuleInit(): Promise<void> {
    await this.reload().catch((e: unknown) => this.log.error(`loading calendars failed: ${String(e)}`));
  }

  /** The current snapshot (the same object until it is reloaded). */
  async snapshot(): Promise<CalendarSnapshot> {
    const held = this.current;
    if (!held) return this.reload();
    if (Date.now() - held.loadedAt > CALENDARS_CACHE_MS && !this.loading)
      this.reload().catch((e: unknown) => this.log.error(`reloading calendars failed: ${String(e)}`));
    return held.snapshot;
  }

  /** Call after committing a change of calendars or leaves: loads them again (awaited, so it applies at once). */
  async changed(): Promise<void> {
    this.generation++;
    await this.reload(true);
  }

  /** Loads the calendars (joining a load under way unless `fresh`) and keeps them unless a newer load won. */
  private reload(fresh = false): Promise<CalendarSnapshot> {
    if (this.loading && !fresh) return this.loading;
    const generation = this.generation;
    const loadedAt = Date.now();
    const loading = this.load().then((snapshot) => {
      if (generation === this.generation && (!this.current || this.current.loadedAt <= loadedAt))
        this.current = { snapshot, loadedAt };
      return snapshot;
    });
    this.loading = loading;
    const done = () => {
      if (this.loading === loading) this.loading = null;
    };
    loading.then(done, done);
    return loading;
  }

  private async load(): Promise<CalendarSnapshot> {
    const [rows, leaves] = await Promise.all([
      this.repo.calendars(),
      this.repo.leavesEndingAfter(new Date(this.clock.now() - CALENDAR_HORIZON_MS)),
    ]);
    const calendars = new Map<string, CalendarDef>(
      rows.map((r) => [r.key, { key: r.key, tz: r.tz, attendances: r.attendances, holidays: r.holidays, leaves: [] }]),
    );
    const ownerLeaves = new Map<string, Leave[]>();
    for (const l of leaves) {
      const leave: Leave = {
        from: Date.parse(l.from),
        to: Date.parse(l.to),
        ...(l.reason ? { reason: l.reason } : {}),
      };
      const owner = l.operator ? operatorOwner(l.operator) : l.resource ? resourceOwner(l.resource) : null;
      if (owner) ownerLeaves.set(owner, [...(ownerLeaves.get(owner) ?? []), leave]);
      else calendars.get(l.calendar)?.leaves.push(leave);
    }
    return { calendars, ownerLeaves };
  }
}
