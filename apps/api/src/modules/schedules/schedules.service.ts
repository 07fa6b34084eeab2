import { Injectable, Logger } from '@nestjs/common';
import type { JobSchedulerJson } from 'bullmq';
import type { ScheduleView } from '@opkernel/contracts';
import { QueueFactory } from '../decks/queue-factory';
import { DesignRegistry } from '../designs/design-registry.service';
import { ScheduleFiresRepository, type FireRow } from './schedule-fires.repository';
import { SCHEDULES_QUEUE, schedulerId } from './schedule-jobs';
import { ScheduleReconciler } from './schedule-reconciler.service';

/** The current design's schedules as admins see them: each with its job scheduler's next fire and its last fires. */
@Injectable()
export class SchedulesService {
  private readonly log = new Logger(SchedulesService.name);

  constructor(
    private readonly designs: DesignRegistry,
    private readonly queues: QueueFactory,
    private readonly reconciler: ScheduleReconciler,
    private readonly fires: ScheduleFiresRepository,
  ) {}

  /**
   * Every schedule of the current design (none without a design), in design order, with `nextFireAt` from its job
   * scheduler (brought up to the current design first, so a schedule imported just now shows its next fire) and
   * its last `fires` fires, newest first.
   * @throws the queue backend's errors when it cannot list the job schedulers
   */
  async list(fires: number): Promise<ScheduleView[]> {
    const current = await this.designs.current();
    const schedules = current?.version.document.schedules ?? [];
    if (schedules.length === 0) return [];
    await this.reconciler
      .sync()
      .catch((e: unknown) => this.log.warn(`schedule sync failed: ${e instanceof Error ? e.message : String(e)}`));
    const stored = new Map<string, JobSchedulerJson>(
      (await this.queues.queue(SCHEDULES_QUEUE).getJobSchedulers()).map((s) => [s.key, s]),
    );
    const last = new Map<string, FireRow[]>();
    for (const row of await this.fires.last(
      schedules.map((s) => s.key),
      fires,
    ))
      last.set(row.schedule, [...(last.get(row.schedule) ?? []), row]);
    return schedules.map((s) => {
      const next = s.enabled ? stored.get(schedulerId(s.key))?.next : undefined;
      return {
        key: s.key,
        label: s.label ?? null,
        cron: s.cron ?? null,
        tz: s.tz,
        every: s.every ?? null,
        start: s.start,
        enabled: s.enabled,
        schedulerId: schedulerId(s.key),
        nextFireAt: typeof next === 'number' && Number.isFinite(next) ? new Date(next).toISOString() : null,
        lastFires: (last.get(s.key) ?? []).map((f) => ({
          fireAt: f.fire_at.toISOString(),
          pid: f.pid === null ? null : Number(f.pid),
          firedAt: f.fired_at.toISOString(),
        })),
      };
    });
  }
}
