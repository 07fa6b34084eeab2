import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { isKernelError, type Actor, type Clock, type Timer } from '@opkernel/kernel';
import { CLOCK } from '../../infra/clock/clock.module';
import { ProcessCommands } from '../processes/process-commands.service';

/** How often the sweep looks for due timers, ms. */
export const TIMER_POLL_MS = 1_000;
/** Most timers one sweep fires before it yields to the next tick. */
export const TIMER_SWEEP_LIMIT = 500;

/** The actor of a timer's command (audited as kind `timer`). */
export const TIMER_ACTOR: Actor = { key: 'timer', roles: [], admin: false, kind: 'timer' };

type TimerRow = { key: string; pid: string; purpose: Timer['purpose']; due_at: Date };

/**
 * Fires due timers (table `timers`, set and cancelled by commands' effects): every {@link TIMER_POLL_MS} ms, and
 * on demand ({@link fireDue}, e.g. after the test clock moved). Each timer is its own transaction: the earliest
 * due row is taken with `FOR UPDATE SKIP LOCKED` and deleted, and `Kernel.fireTimer` runs as the `timer` actor in
 * that same transaction — so several API processes sweep one database without firing a timer twice, and a
 * timer whose command fails is fired again by a later sweep. "Due" is by the API's {@link CLOCK} (the manual clock
 * in test mode). A timer whose process is gone is dropped.
 */
@Injectable()
export class TimerSweep implements OnModuleInit, OnModuleDestroy {
  private readonly log = new Logger('TimerSweep');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | null = null;
  private stopped = true;

  constructor(
    private readonly commands: ProcessCommands,
    private readonly db: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.stopped = false;
    this.schedule();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.fireDue()
        .catch((e: unknown) => this.log.error(`timer sweep failed: ${e instanceof Error ? e.message : String(e)}`))
        .finally(() => this.schedule());
    }, TIMER_POLL_MS);
    this.timer.unref();
  }

  /**
   * Fires every timer due by the clock's now (up to {@link TIMER_SWEEP_LIMIT}); a call while a sweep runs waits
   * for it and then sweeps again.
   * @returns how many timers fired
   */
  async fireDue(): Promise<number> {
    while (this.running) await this.running.catch(() => undefined);
    this.running = this.sweep();
    try {
      return await this.running;
    } finally {
      this.running = null;
    }
  }

  private async sweep(): Promise<number> {
    // The common idle case costs one indexed read, not a transaction.
    const due = await this.db.query<unknown[]>('SELECT 1 FROM timers WHERE due_at <= $1 LIMIT 1', [
      new Date(this.clock.now()),
    ]);
    if (due.length === 0) return 0;
    let fired = 0;
    while (fired < TIMER_SWEEP_LIMIT && !this.stopped) {
      let taken: TimerRow | null = null;
      try {
        const cs = await this.commands.execute(async (kernel, tx) => {
          taken = null; // a retried attempt takes its own row
          const rows = await tx.query<TimerRow[]>(
            `WITH due AS (
               DELETE FROM timers WHERE key = (
                 SELECT key FROM timers WHERE due_at <= $1 ORDER BY due_at, key LIMIT 1 FOR UPDATE SKIP LOCKED)
               RETURNING key, pid, purpose, due_at)
             SELECT * FROM due`,
            [new Date(this.clock.now())],
          );
          taken = rows[0] ?? null;
          if (!taken) return null;
          const t: TimerRow = taken;
          return kernel.fireTimer(
            { key: t.key, pid: Number(t.pid), purpose: t.purpose, dueAt: t.due_at.getTime() },
            TIMER_ACTOR,
          );
        });
        if (!cs) return fired;
        fired++;
      } catch (error) {
        const t = taken as TimerRow | null;
        // Only a timer whose process is gone is dropped; any other failure (a lost race past its retries, the
        // database) leaves the row for the next sweep.
        if (!t || !isKernelError(error) || error.code !== 'PROCESS_NOT_FOUND') throw error;
        this.log.warn(`timer ${t.key} dropped: ${error.message}`);
        await this.db.query('DELETE FROM timers WHERE key = $1 AND due_at = $2', [t.key, t.due_at]);
      }
    }
    return fired;
  }
}
