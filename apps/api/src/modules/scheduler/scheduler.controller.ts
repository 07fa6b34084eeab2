import { Body, Controller, Get, HttpCode, Param, Post, Put, Res, UseInterceptors } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConflictResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { z } from 'zod';
import {
  AssignmentExplanationSchema,
  FairnessBodySchema,
  FairnessWeightSchema,
  LaneViewSchema,
  NextTaskAnswerSchema,
  NextTaskBodySchema,
  ProcessViewSchema,
  UrgencyBodySchema,
} from '@opkernel/contracts';
import { SafeIdPipe } from '../../infra/validation/safe-id.pipe';
import { ZodPipe } from '../../infra/validation/zod-body.pipe';
import { zodToOpenApi } from '../../infra/validation/zod-openapi.util';
import { CurrentOperator, type AuthenticatedOperator } from '../auth/current-operator.decorator';
import { AdminOnly } from '../auth/decorators/admin-only.decorator';
import { RequireScope } from '../auth/decorators/scope.decorator';
import { Idempotent, IdempotencyInterceptor } from '../processes/idempotency/idempotency.interceptor';
import type { IdempotentRequest } from '../processes/idempotency/idempotency.service';
import { SchedulerService } from './scheduler.service';

const pidPipe = new SafeIdPipe('pid');

/**
 * The scheduler over REST: get next (`POST /tasks/next`, with an optional `Idempotency-Key`) and "why this task"
 * (`GET /processes/{pid}/assignment-explanation[s]`, through the process read policy).
 */
@ApiTags('scheduler')
@ApiBearerAuth()
@Controller('v1')
@UseInterceptors(IdempotencyInterceptor)
export class SchedulerController {
  constructor(private readonly scheduler: SchedulerService) {}

  /**
   * Get next: the best READY task of my lanes (priority + urgency + aging, fair across fairness keys) becomes
   * mine — started with `start` — and the answer says why; 204 when nothing fits.
   * @throws 409 NOT_AVAILABLE (presence, off shift or on leave; details.nextShiftAt) or CAPACITY_FULL
   */
  @RequireScope('processes:write')
  @Post('tasks/next')
  @HttpCode(200)
  @ApiOperation({ summary: 'Get next: assign me the best task of my lanes {start?, dryRun?} → {process, explanation}' })
  @ApiBody({ schema: zodToOpenApi(NextTaskBodySchema) })
  @ApiOkResponse({ schema: zodToOpenApi(NextTaskAnswerSchema, 'output') })
  @ApiNoContentResponse({ description: 'no task of my lanes fits now' })
  @ApiConflictResponse({
    description: 'NOT_AVAILABLE (presence, off shift or on leave; details.nextShiftAt) or CAPACITY_FULL',
  })
  async next(
    @Body(new ZodPipe(NextTaskBodySchema)) body: z.infer<typeof NextTaskBodySchema>,
    @CurrentOperator() op: AuthenticatedOperator,
    @Idempotent() idem: IdempotentRequest | null,
    @Res({ passthrough: true }) res: { status(code: number): unknown },
  ) {
    const answer = await this.scheduler.next(op, body ?? {}, idem);
    if (!answer) res.status(204);
    return answer ?? undefined;
  }

  /** The latest explanation of a task's assignment. @throws 404 (missing, not readable, or NO_EXPLANATION) */
  @RequireScope('processes:read')
  @Get('processes/:pid/assignment-explanation')
  @ApiOperation({ summary: "Why this task: the latest assignment's explanation" })
  @ApiOkResponse({ schema: zodToOpenApi(AssignmentExplanationSchema, 'output') })
  @ApiNotFoundResponse({ description: 'no such readable process, or it has no explanation (NO_EXPLANATION)' })
  latest(@Param('pid', pidPipe) pid: number, @CurrentOperator() op: AuthenticatedOperator) {
    return this.scheduler.latest(pid, op);
  }

  /** Every explanation of a task's assignments, newest first. @throws 404 (missing or not readable) */
  @RequireScope('processes:read')
  @Get('processes/:pid/assignment-explanations')
  @ApiOperation({ summary: "Why this task: every assignment's explanation, newest first" })
  @ApiOkResponse({ schema: zodToOpenApi(z.array(AssignmentExplanationSchema), 'output') })
  all(@Param('pid', pidPipe) pid: number, @CurrentOperator() op: AuthenticatedOperator) {
    return this.scheduler.all(pid, op);
  }

  /** Raises, lowers or sets a process's urgency (admin); it is re-ranked at once and the change audited. */
  @AdminOnly()
  @Post('processes/:pid/urgency')
  @HttpCode(200)
  @ApiOperation({ summary: "Change a process's urgency {by | set, reason} (admin)" })
  @ApiBody({ schema: zodToOpenApi(UrgencyBodySchema) })
  @ApiOkResponse({ schema: zodToOpenApi(ProcessViewSchema, 'output') })
  urgency(
    @Param('pid', pidPipe) pid: number,
    @Body(new ZodPipe(UrgencyBodySchema)) body: z.infer<typeof UrgencyBodySchema>,
    @CurrentOperator() op: AuthenticatedOperator,
  ) {
    return this.scheduler.adjustUrgency(pid, op, body);
  }

  /** The lanes with waiting work (admin): depth, oldest wait and depth per fairness key. */
  @AdminOnly()
  @Get('scheduler/lanes')
  @ApiOperation({ summary: 'Lanes with waiting work: role, skills, distribution, depth, oldest wait (admin)' })
  @ApiOkResponse({ schema: zodToOpenApi(z.array(LaneViewSchema), 'output') })
  lanes() {
    return this.scheduler.lanes();
  }

  /** The fairness weights set (admin; a key without one weighs 1). */
  @AdminOnly()
  @Get('fairness')
  @ApiOperation({ summary: 'Fairness weights (admin)' })
  @ApiOkResponse({ schema: zodToOpenApi(z.array(FairnessWeightSchema), 'output') })
  fairness() {
    return this.scheduler.fairness();
  }

  /** Sets a fairness key's weight in (0, 100] (admin). */
  @AdminOnly()
  @Put('fairness/:key')
  @ApiOperation({ summary: "Set a fairness key's weight {weight} (admin)" })
  @ApiBody({ schema: zodToOpenApi(FairnessBodySchema) })
  @ApiOkResponse({ schema: zodToOpenApi(FairnessWeightSchema, 'output') })
  setFairness(
    @Param('key') key: string,
    @Body(new ZodPipe(FairnessBodySchema)) body: z.infer<typeof FairnessBodySchema>,
  ) {
    return this.scheduler.setFairness(key, body.weight);
  }
}
