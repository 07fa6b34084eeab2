import { Injectable, Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { Changeset, EntityRef } from '@opkernel/kernel';
import type { Schedule } from '@opkernel/design';
import { DesignRegistry } from '../designs/design-registry.service';
import { ProcessCommands } from '../processes/process-commands.service';
import type { SqlRunner } from '../processes/persistence/sql-runner';
import { TIMER_ACTOR } from '../timers/timer-sweep.service';
import { ScheduleFiresRepository } from './schedule-fires.repository';
import { fireOf } from './schedule-jobs';

/** What one delivery of a fire did: started process `pid`, or why it started nothing. */
export type FireOutcome =
  { started: number } | { skipped: 'duplicate' | 'not_a_schedule' | 'no_design' | 'not_in_design' | 'disabled' };

/** The id of a schedule's one entity: `schedule-<key>`. */
export const scheduleEntityId = (key: string): string => `schedule-${key}`;

/**
 * Fires a schedule's job (reference/decks.md §2.8): starts the schedule's service in the current design as the
 * `timer` actor, with `schedule: {key, fireAt}` (ISO-8601) in the new process's frame. Exactly once per fire time:
 * the start's own transaction claims `(schedule, fire_at)` in `schedule_fires`, so a fire delivered twice — by two
 * API processes' workers, after a restart, or as a duplicate scheduler job — starts one process. A schedule that is
 * gone from the current design or disabled starts nothing (its scheduler is being removed). The design authorizes
 * the start (`trigger`, audited with source `schedule` and the fire time), so the timer's lack of roles is no bar;
 * the processes it creates have no creator (the timer is no operator).
 */
@Injectable()
export class ScheduleFirer {
  private readonly log = new Logger(ScheduleFirer.name);

  constructor(
    private readonly commands: ProcessCommands,
    private readonly designs: DesignRegistry,
    private readonly fires: ScheduleFiresRepository,
  ) {}

  /**
   * Runs one fire job.
   * @throws KernelError from `startProcess` (e.g. UNKNOWN_SERVICE); database errors after the command's retries —
   *   nothing is recorded then, so a redelivery of the same fire may start it
   */
  async fire(job: Pick<Job, 'id' | 'data' | 'opts' | 'timestamp' | 'repeatJobKey'>): Promise<FireOutcome> {
    const fire = fireOf(job);
    if (!fire) return { skipped: 'not_a_schedule' };
    const current = await this.designs.current();
    if (!current) return { skipped: 'no_design' };
    const schedule = current.version.document.schedules.find((s) => s.key === fire.key);
    if (!schedule) return { skipped: 'not_in_design' };
    if (!schedule.enabled) return { skipped: 'disabled' };
    const fireAt = new Date(fire.fireAt).toISOString();
    const cs = await this.commands.execute(async (kernel, tx): Promise<Changeset | null> => {
      if (!(await this.fires.claim(tx, schedule.key, fire.fireAt))) return null;
      const started = await kernel.startProcess({
        service: schedule.start,
        designVersion: current.version.version,
        entity: await this.entityOf(tx, schedule),
        priority: schedule.priority,
        vars: { schedule: { key: schedule.key, fireAt } },
        trigger: { key: schedule.key, source: 'schedule', eventId: fireAt },
        actor: TIMER_ACTOR,
      });
      await this.fires.started(tx, schedule.key, fire.fireAt, started.result.pid);
      return started;
    });
    if (!cs) {
      this.log.debug(`schedule ${schedule.key} at ${fireAt}: already fired`);
      return { skipped: 'duplicate' };
    }
    return { started: cs.result.pid };
  }

  /** The schedule's one entity (created at its first fire), or null when it names none. */
  private async entityOf(tx: SqlRunner, schedule: Schedule): Promise<EntityRef | null> {
    if (!schedule.entity) return null;
    const ref = { type: schedule.entity.type, id: scheduleEntityId(schedule.key) };
    await this.fires.ensureEntity(tx, ref.type, ref.id, schedule.entity.label);
    return ref;
  }
}
