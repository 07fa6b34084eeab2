import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { JobSchedulerJson } from 'bullmq';
import { DataSource } from 'typeorm';
import { scheduleRepeat, type Schedule, type ScheduleRepeat } from '@opkernel/design';
import { QueueFactory } from '../decks/queue-factory';
import { DesignRegistry } from '../designs/design-registry.service';
import { ScheduleFirer } from './schedule-firer.service';
import { FIRE_JOB, SCHEDULES_QUEUE, scheduleKeyOf, schedulerId, type FireJobData } from './schedule-jobs';

/** How often the current design version is looked at, ms (as the Guide does for its decks). */
export const SCHEDULE_SYNC_MS = 2_000;
/** How often the job schedulers are compared with the design although it did not change (a lost one comes back), ms. */
export const SCHEDULE_REPAIR_MS = 60_000;
/** Fires one API process runs at once. */
const FIRE_CONCURRENCY = 4;

/** Options of every fire job: a failed start is tried again; finished jobs are kept for a while only. */
const FIRE_JOB_OPTS = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: { age: 24 * 3_600, count: 1_000 },
  removeOnFail: { age: 7 * 24 * 3_600, count: 1_000 },
};

/** True when a stored job scheduler already repeats as `want`. */
function sameRepeat(have: JobSchedulerJson, want: ScheduleRepeat): boolean {
  if ('every' in want) return have.every === want.every && !have.pattern;
  return have.pattern === want.pattern && (have.tz ?? null) === want.tz && !have.every;
}

/**
 * Keeps BullMQ's job schedulers on {@link SCHEDULES_QUEUE} in step with the current design's schedules
 * (reference/decks.md §2.8), in every API process: at boot and whenever the current version changes (looked at
 * every {@link SCHEDULE_SYNC_MS} ms, and compared in full every {@link SCHEDULE_REPAIR_MS} ms), each enabled schedule
 * is upserted as `sched-<key>` (`{pattern, tz}` or `{every}`, job `schedule.fire` with `{key, designVersion}`) when
 * its stored scheduler differs, and the scheduler of a schedule that is disabled or gone is removed. It also runs this
 * process's worker on the queue ({@link ScheduleFirer}). Several processes may upsert the same scheduler at once;
 * duplicate fire jobs that may come of it are absorbed by the fire's key. A process whose cached design is older
 * than the newest stored version waits for it (so it does not undo a newer process's changes). Nothing runs until a
 * design has schedules.
 */
@Injectable()
export class ScheduleReconciler implements OnModuleInit, OnModuleDestroy {
  private readonly log = new Logger(ScheduleReconciler.name);
  private worker: ReturnType<QueueFactory['worker']> | null = null;
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;
  private running: Promise<void> | null = null;
  /** The design version last reconciled, and when to compare again although it did not change (epoch ms). */
  private reconciled: { version: number; repairAt: number } | null = null;

  constructor(
    private readonly designs: DesignRegistry,
    private readonly queues: QueueFactory,
    private readonly firer: ScheduleFirer,
    private readonly db: DataSource,
  ) {}

  onModuleInit(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
    if (this.worker) await this.queues.closeWorker(this.worker);
    this.worker = null;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.sync()
        .catch((e: unknown) => this.log.warn(`schedule sync failed: ${e instanceof Error ? e.message : String(e)}`))
        .finally(() => this.schedule(SCHEDULE_SYNC_MS));
    }, ms);
    this.timer.unref();
  }

  /**
   * Brings the job schedulers up to the current design when its version changed since the last reconcile (or the
   * repair interval passed, or `force`); a call while one runs waits for it and then looks again.
   * @throws the queue backend's errors (the next sync tries again)
   */
  async sync(force = false): Promise<void> {
    while (this.running) await this.running.catch(() => undefined);
    this.running = this.syncOnce(force);
    try {
      await this.running;
    } finally {
      this.running = null;
    }
  }

  private async syncOnce(force: boolean): Promise<void> {
    if (this.stopped) return;
    const current = await this.designs.current();
    // Imports upsert by key, so a design that never had schedules has no scheduler to keep or remove.
    if (!current || current.version.document.schedules.length === 0) return;
    this.startWorker();
    const version = current.version.version;
    const now = Date.now();
    if (!force && this.reconciled?.version === version && now < this.reconciled.repairAt) return;
    // A process whose cached current version is behind an import must not put back what a newer one removed.
    if (version < (await this.newestVersion())) return;
    await this.reconcile(current.version.document.schedules, version);
    this.reconciled = { version, repairAt: now + SCHEDULE_REPAIR_MS };
  }

  /** The newest design version in the database (not the registry's cached list). */
  private async newestVersion(): Promise<number> {
    const [row] = await this.db.query<{ v: number | null }[]>('SELECT max(version) AS v FROM design_versions');
    return row?.v ?? 0;
  }

  private async reconcile(schedules: readonly Schedule[], version: number): Promise<void> {
    const queue = this.queues.queue(SCHEDULES_QUEUE);
    const stored = new Map((await queue.getJobSchedulers()).map((s) => [s.key, s]));
    for (const s of schedules) {
      if (!s.enabled) continue;
      const id = schedulerId(s.key);
      const repeat = scheduleRepeat(s);
      const have = stored.get(id);
      stored.delete(id);
      if (have && sameRepeat(have, repeat)) continue;
      const data: FireJobData = { key: s.key, designVersion: version };
      await queue.upsertJobScheduler(id, repeat, { name: FIRE_JOB, data, opts: FIRE_JOB_OPTS });
      this.log.log(`schedule ${s.key}: job scheduler ${id} ${have ? 'updated' : 'added'} (design v${version})`);
    }
    for (const id of stored.keys()) {
      if (scheduleKeyOf(id) === null) continue;
      await queue.removeJobScheduler(id);
      this.log.log(`job scheduler ${id} removed: its schedule is disabled or gone (design v${version})`);
    }
  }

  private startWorker(): void {
    if (this.worker || this.stopped) return;
    this.worker = this.queues.worker(SCHEDULES_QUEUE, (job) => this.firer.fire(job), {
      concurrency: FIRE_CONCURRENCY,
    });
  }
}
