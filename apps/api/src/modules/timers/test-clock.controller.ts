import { Body, Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ManualClock } from '@opkernel/kernel';
import { z } from 'zod';
import { CLOCK } from '../../infra/clock/clock.module';
import { ProblemException } from '../../infra/problem/problem.exception';
import { ZodPipe } from '../../infra/validation/zod-body.pipe';
import { AdminOnly } from '../auth/decorators/admin-only.decorator';
import { TimerSweep } from './timer-sweep.service';

/** Body of `POST /api/v1/test/clock`: an absolute time, a step forward, or both (set first). */
export const MoveClockBody = z
  .object({
    /** ISO-8601 time or epoch ms; never earlier than the clock's now. */
    set: z.union([z.iso.datetime({ offset: true }), z.number().int().nonnegative()]).optional(),
    /** Milliseconds to move forward. */
    advanceMs: z
      .number()
      .int()
      .nonnegative()
      .max(10 * 365 * 24 * 3600 * 1000)
      .optional(),
  })
  .strict();
export type MoveClockBody = z.infer<typeof MoveClockBody>;

/** What the test clock answers: its time, and how many timers the move made fire. */
export type ClockView = { now: string; epochMs: number; fired?: number };

/**
 * The test clock (`OPKERNEL_CLOCK=manual` only; the route does not exist otherwise). Administrators read it and
 * move it forward; after a move every timer that became due fires before the answer.
 */
@ApiTags('test')
@ApiBearerAuth()
@AdminOnly()
@Controller('v1/test/clock')
export class TestClockController {
  constructor(
    @Inject(CLOCK) private readonly clock: ManualClock,
    private readonly sweep: TimerSweep,
  ) {}

  /** The manual clock's time. */
  @Get()
  @ApiOperation({ summary: 'The test clock (OPKERNEL_CLOCK=manual only)' })
  read(): ClockView {
    return this.view();
  }

  /**
   * Sets and/or advances the clock, then fires every timer that is due.
   * @throws ProblemException 422 (field `set`) for a time earlier than the clock's now
   */
  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Move the test clock forward and fire what became due (OPKERNEL_CLOCK=manual only)' })
  async move(@Body(new ZodPipe(MoveClockBody)) body: MoveClockBody): Promise<ClockView> {
    if (body.set !== undefined) {
      const at = typeof body.set === 'number' ? body.set : Date.parse(body.set);
      if (at < this.clock.now()) {
        throw ProblemException.unprocessable('the test clock never goes back', [
          { field: 'set', message: `must not be earlier than ${new Date(this.clock.now()).toISOString()}` },
        ]);
      }
      this.clock.set(at);
    }
    if (body.advanceMs !== undefined) this.clock.advance(body.advanceMs);
    const fired = await this.sweep.fireDue();
    return { ...this.view(), fired };
  }

  private view(): ClockView {
    const now = this.clock.now();
    return { now: new Date(now).toISOString(), epochMs: now };
  }
}
