import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { PutDraftBodySchema, StaffMemberSchema, TaskContextSchema, TaskDraftSchema } from '@opkernel/contracts';
import { zodToOpenApi } from '../../infra/validation/zod-openapi.util';
import { SafeIdPipe } from '../../infra/validation/safe-id.pipe';
import { ZodPipe } from '../../infra/validation/zod-body.pipe';
import { CurrentOperator, type AuthenticatedOperator } from '../auth/current-operator.decorator';
import { RequireScope } from '../auth/decorators/scope.decorator';
import { TaskContextService } from './task-context.service';
import { TaskDraftsService } from './task-drafts.service';

const pidPipe = new SafeIdPipe('pid');

/**
 * The task page's own reads and its draft: `GET|PUT /processes/{pid}/draft`, `GET /processes/{pid}/context`.
 * Every route applies the process read policy first (404 for a task the caller may not read, 403 for customers).
 */
@ApiTags('processes')
@ApiBearerAuth()
@Controller('v1/processes')
export class TaskPageController {
  constructor(
    private readonly drafts: TaskDraftsService,
    private readonly context: TaskContextService,
  ) {}

  /** The caller's draft of a task. @throws ProblemException 404 (code NO_DRAFT when none), 403, 422 for a bad pid. */
  @RequireScope('processes:read')
  @Get(':pid/draft')
  @ApiOperation({ summary: 'The draft of my task (its assignee only, while RUNNING or SUSPENDED)' })
  @ApiOkResponse({ schema: zodToOpenApi(TaskDraftSchema, 'output') })
  getDraft(@Param('pid', pidPipe) pid: number, @CurrentOperator() op: AuthenticatedOperator) {
    return this.drafts.get(pid, op);
  }

  /** Saves the draft of my task. Errors: see `TaskDraftsService.put` (403 NOT_ASSIGNEE, 409, 413 `formData`). */
  @RequireScope('processes:write')
  @Put(':pid/draft')
  @ApiOperation({
    summary: 'Save the draft of my task {formData}: no state change, no rules, not audited; at most 64 KB',
  })
  @ApiBody({ schema: zodToOpenApi(PutDraftBodySchema) })
  @ApiOkResponse({ schema: zodToOpenApi(TaskDraftSchema, 'output') })
  putDraft(
    @Param('pid', pidPipe) pid: number,
    @Body(new ZodPipe(PutDraftBodySchema)) body: { formData: Record<string, unknown> },
    @CurrentOperator() op: AuthenticatedOperator,
  ) {
    return this.drafts.put(pid, op, body.formData);
  }

  /** Earlier steps, prefill offers and requested steps of a task. @throws ProblemException 404 / 403 / 422. */
  @RequireScope('processes:read')
  @Get(':pid/context')
  @ApiOperation({
    summary: 'Beside the form: the customer’s completed steps (readable, redacted), prefill offers, requested steps',
  })
  @ApiOkResponse({ schema: zodToOpenApi(TaskContextSchema, 'output') })
  taskContext(@Param('pid', pidPipe) pid: number, @CurrentOperator() op: AuthenticatedOperator) {
    return this.context.of(pid, op);
  }
}

/** `GET /staff`: names for the operator fields of forms (staff and administrators; 403 for customers). */
@ApiTags('operators')
@ApiBearerAuth()
@Controller('v1/staff')
export class StaffController {
  constructor(private readonly context: TaskContextService) {}

  /** Every staff operator: key, name, roles, by name. @throws ProblemException 403 for customers. */
  @RequireScope('processes:read')
  @Get()
  @ApiOperation({ summary: 'Staff names for the operator fields of forms' })
  @ApiOkResponse({ schema: zodToOpenApi(z.array(StaffMemberSchema), 'output') })
  list(@CurrentOperator() op: AuthenticatedOperator) {
    return this.context.staff(op);
  }
}
