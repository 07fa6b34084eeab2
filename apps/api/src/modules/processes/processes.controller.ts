import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res, UseInterceptors } from '@nestjs/common';
import { MAX_WAIT_S, preferredWait, RunWait } from './run-wait';
import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiBearerAuth,
  ApiBody,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { z } from 'zod';
import {
  CommandAnswerSchema,
  ProcessDetailSchema,
  ProcessEventViewSchema,
  ProcessSnapshotViewSchema,
} from '@opkernel/contracts';
import { zodToOpenApi } from '../../infra/validation/zod-openapi.util';
import { ProblemException } from '../../infra/problem/problem.exception';
import { SafeIdPipe } from '../../infra/validation/safe-id.pipe';
import { PagedQueryPipe } from '../../infra/validation/paged-query.pipe';
import { ZodPipe } from '../../infra/validation/zod-body.pipe';
import { CurrentOperator, type AuthenticatedOperator } from '../auth/current-operator.decorator';
import { RequireScope } from '../auth/decorators/scope.decorator';
import {
  CompleteBody,
  ListProcessesQuery,
  ProcessPageResponse,
  ReasonBody,
  StartProcessBody,
  TransferBody,
  type ListProcessesDto,
  type StartProcessDto,
} from './dtos/process.dto';
import { KEYSET_FIELDS, PAGE_LIMIT } from './dtos/keyset.dto';
import { Idempotent, IdempotencyInterceptor } from './idempotency/idempotency.interceptor';
import { IDEMPOTENCY_HEADER, type IdempotentRequest } from './idempotency/idempotency.service';
import { ProcessQueries } from './process-queries.service';
import { ProcessesService } from './processes.service';

const pidPipe = new SafeIdPipe('pid');
/** OpenAPI schema of a command's answer: the process after it (with the actions now offered) and its cascade. */
const COMMAND_ANSWER = zodToOpenApi(CommandAnswerSchema, 'output');
const listQuery = new PagedQueryPipe(ListProcessesQuery, KEYSET_FIELDS);
const notFound = (pid: number) => ProblemException.notFound(`process ${pid} does not exist`);

/** OpenAPI description of the optional `Idempotency-Key` header of the POST routes. */
const IdempotencyHeader = ApiHeader({
  name: IDEMPOTENCY_HEADER,
  required: false,
  description:
    'Optional, 1–200 characters, scoped to the operator. A repeat with the same method, path and body gets the ' +
    'first answer again without running twice (header Idempotent-Replayed: true); another request with the ' +
    'same key is refused with 422.',
});

/**
 * Processes: start, list, inspect, and the operator actions. Thin: validation pipes + one service call.
 * Reads apply the process read policy (403 for customers, 404 for a process the operator may not read);
 * the POST routes accept an `Idempotency-Key` header ({@link IdempotencyInterceptor}).
 */
@ApiTags('processes')
@ApiBearerAuth()
@Controller('v1/processes')
@UseInterceptors(IdempotencyInterceptor)
export class ProcessesController {
  constructor(
    private readonly processes: ProcessesService,
    private readonly queries: ProcessQueries,
    private readonly runs: RunWait,
  ) {}

  /** Starts a journey (201 with the PCB and its cascade). Errors: see `ProcessesService.start`; 422 for a bad `Idempotency-Key`. */
  @RequireScope('processes:write')
  @Post()
  @IdempotencyHeader
  @ApiOperation({ summary: 'Start a journey: {service, entity: {type, id} | {type, label}, priority?} → PCB' })
  @ApiBody({ schema: zodToOpenApi(StartProcessBody) })
  @ApiCreatedResponse({ description: 'the journey started, with its cascade', schema: COMMAND_ANSWER })
  @ApiHeader({
    name: 'Prefer',
    required: false,
    description:
      'wait=N (RFC 7240): answer when the automated runs the start began have finished or failed, or after N s ' +
      `(at most ${MAX_WAIT_S}); the answer then carries Preference-Applied: wait=N`,
  })
  async start(
    @Body(new ZodPipe(StartProcessBody)) body: StartProcessDto,
    @CurrentOperator() op: AuthenticatedOperator,
    @Idempotent() idem: IdempotentRequest | null,
    @Headers('prefer') prefer: string | undefined,
    @Res({ passthrough: true }) res: { setHeader(name: string, value: string): void },
  ) {
    const answer = await this.processes.start(body, op, idem);
    const wait = preferredWait(prefer);
    if (wait === null) return answer;
    res.setHeader('Preference-Applied', `wait=${wait}`);
    return (await this.runs.settle(answer, op, wait)).answer;
  }

  /**
   * The processes I may read, newest first: page-based (`page`, `pageSize`: with `total`) or keyset (`limit`,
   * `cursor`, also the default: `total` null, not counted); `nextCursor` continues in both.
   * @throws ProblemException 400 naming `cursor` / `limit` when bad or mixed with page / pageSize; 403 for
   *   customers; 422 for bad filters.
   */
  @RequireScope('processes:read')
  @Get()
  @ApiOperation({
    summary:
      'List the processes I may read, newest first (filters: state, service, entityType, entityId, assignee; ' +
      'page + pageSize with total, or limit + cursor without)',
  })
  @ApiQuery({
    name: 'page',
    required: false,
    schema: { type: 'integer', minimum: 1 },
    description: 'page form (with total): 1-based page, default 1',
  })
  @ApiQuery({
    name: 'pageSize',
    required: false,
    schema: { type: 'integer', minimum: 1, maximum: 200 },
    description: 'page form (with total): processes per page, default 50',
  })
  @ApiQuery({
    name: 'limit',
    required: false,
    schema: { type: 'integer', minimum: 1, maximum: PAGE_LIMIT.max, default: PAGE_LIMIT.default },
    description: 'keyset form: processes per page (not with page / pageSize)',
  })
  @ApiQuery({
    name: 'cursor',
    required: false,
    schema: { type: 'string' },
    description: 'keyset form: the nextCursor of the previous page (opaque)',
  })
  @ApiOkResponse({
    description: 'Readable processes, newest first; total and page are null in the keyset form',
    schema: zodToOpenApi(ProcessPageResponse, 'output'),
  })
  @ApiBadRequestResponse({ description: 'bad `cursor` or `limit` (problem+json naming the field)' })
  list(@Query(listQuery) q: ListProcessesDto, @CurrentOperator() op: AuthenticatedOperator) {
    return this.queries.list(q, op);
  }

  /** One readable process with parent, previous and children. @throws ProblemException 404 (missing or not readable), 403 for customers, 422 for a bad pid. */
  @RequireScope('processes:read')
  @Get(':pid')
  @ApiOperation({ summary: 'One process with parent, previous and children' })
  @ApiOkResponse({ schema: zodToOpenApi(ProcessDetailSchema, 'output') })
  async one(@Param('pid', pidPipe) pid: number, @CurrentOperator() op: AuthenticatedOperator) {
    const found = await this.queries.withRelations(pid, op);
    if (!found) throw notFound(pid);
    return found;
  }

  /** Audit trail of a readable process. @throws ProblemException 404 / 403 / 422 as for `GET /processes/{pid}`. */
  @RequireScope('processes:read')
  @Get(':pid/events')
  @ApiOperation({ summary: 'Audit trail of a process' })
  @ApiOkResponse({ schema: zodToOpenApi(z.array(ProcessEventViewSchema), 'output') })
  async events(@Param('pid', pidPipe) pid: number, @CurrentOperator() op: AuthenticatedOperator) {
    const found = await this.queries.events(pid, op);
    if (!found) throw notFound(pid);
    return found;
  }

  /** Context snapshots of a readable process. @throws ProblemException 404 / 403 / 422 as for `GET /processes/{pid}`. */
  @RequireScope('processes:read')
  @Get(':pid/snapshots')
  @ApiOperation({ summary: 'Context snapshots of a process (versioned, SHA-256 of the canonical content)' })
  @ApiOkResponse({ schema: zodToOpenApi(z.array(ProcessSnapshotViewSchema), 'output') })
  async snapshots(@Param('pid', pidPipe) pid: number, @CurrentOperator() op: AuthenticatedOperator) {
    const found = await this.queries.snapshots(pid, op);
    if (!found) throw notFound(pid);
    return found;
  }

  /** Operators the task may be transferred to (staff holding a role that allows its service). 404 when not visible. */
  @RequireScope('processes:read')
  @Get(':pid/transfer-candidates')
  @ApiOperation({ summary: 'Operators a task may be transferred to' })
  async transferCandidates(@Param('pid', pidPipe) pid: number, @CurrentOperator() op: AuthenticatedOperator) {
    const found = await this.queries.transferCandidates(pid, op);
    if (!found) throw notFound(pid);
    return found;
  }

  /** Claims a pool task. Errors: see `ProcessesService.act` (409 ALREADY_CLAIMED …). */
  @RequireScope('processes:write')
  @Post(':pid/claim')
  @HttpCode(200)
  @IdempotencyHeader
  @ApiOkResponse({ description: 'the process after the action, with its cascade', schema: COMMAND_ANSWER })
  claim(
    @Param('pid', pidPipe) pid: number,
    @CurrentOperator() op: AuthenticatedOperator,
    @Idempotent() idem: IdempotentRequest | null,
  ) {
    return this.processes.act(pid, 'claim', op, {}, idem);
  }

  /** Returns my task to its pool. Errors: see `ProcessesService.act`. */
  @RequireScope('processes:write')
  @Post(':pid/unclaim')
  @HttpCode(200)
  @IdempotencyHeader
  @ApiOkResponse({ description: 'the process after the action, with its cascade', schema: COMMAND_ANSWER })
  unclaim(
    @Param('pid', pidPipe) pid: number,
    @CurrentOperator() op: AuthenticatedOperator,
    @Idempotent() idem: IdempotentRequest | null,
  ) {
    return this.processes.act(pid, 'unclaim', op, {}, idem);
  }

  /** Starts working on a task (RUNNING). Errors: see `ProcessesService.act`. */
  @RequireScope('processes:write')
  @Post(':pid/start')
  @HttpCode(200)
  @IdempotencyHeader
  @ApiOkResponse({ description: 'the process after the action, with its cascade', schema: COMMAND_ANSWER })
  startTask(
    @Param('pid', pidPipe) pid: number,
    @CurrentOperator() op: AuthenticatedOperator,
    @Idempotent() idem: IdempotentRequest | null,
  ) {
    return this.processes.act(pid, 'start', op, {}, idem);
  }

  /** Completes a task with its form; rules fire. Errors: see `ProcessesService.act` (422 `form.<field>`, 409). */
  @RequireScope('processes:write')
  @Post(':pid/complete')
  @HttpCode(200)
  @IdempotencyHeader
  @ApiOkResponse({ description: 'the process after the action, with its cascade', schema: COMMAND_ANSWER })
  @ApiOperation({ summary: 'Complete a task with its form {form}; rules fire; 409 when already completed' })
  @ApiBody({ schema: zodToOpenApi(CompleteBody) })
  complete(
    @Param('pid', pidPipe) pid: number,
    @Body(new ZodPipe(CompleteBody)) body: { form: Record<string, unknown> },
    @CurrentOperator() op: AuthenticatedOperator,
    @Idempotent() idem: IdempotentRequest | null,
  ) {
    return this.processes.act(pid, 'complete', op, { form: body.form }, idem);
  }

  /** Suspends a process with a reason. Errors: see `ProcessesService.act`. */
  @RequireScope('processes:write')
  @Post(':pid/suspend')
  @HttpCode(200)
  @IdempotencyHeader
  @ApiOkResponse({ description: 'the process after the action, with its cascade', schema: COMMAND_ANSWER })
  @ApiBody({ schema: zodToOpenApi(ReasonBody) })
  suspend(
    @Param('pid', pidPipe) pid: number,
    @Body(new ZodPipe(ReasonBody)) body: { reason: string },
    @CurrentOperator() op: AuthenticatedOperator,
    @Idempotent() idem: IdempotentRequest | null,
  ) {
    return this.processes.act(pid, 'suspend', op, body, idem);
  }

  /** Resumes a suspended process to the state it had. Errors: see `ProcessesService.act`. */
  @RequireScope('processes:write')
  @Post(':pid/resume')
  @HttpCode(200)
  @IdempotencyHeader
  @ApiOkResponse({ description: 'the process after the action, with its cascade', schema: COMMAND_ANSWER })
  resume(
    @Param('pid', pidPipe) pid: number,
    @CurrentOperator() op: AuthenticatedOperator,
    @Idempotent() idem: IdempotentRequest | null,
  ) {
    return this.processes.act(pid, 'resume', op, {}, idem);
  }

  /**
   * Cancels a process and its open work with a reason; its rules watching `terminated_reason` fire; a journey left
   * with no live work becomes an incident. A journey's root: admins or its starter. Errors: see `ProcessesService.act`.
   */
  @RequireScope('processes:write')
  @Post(':pid/cancel')
  @HttpCode(200)
  @IdempotencyHeader
  @ApiOkResponse({ description: 'the process after the action, with its cascade', schema: COMMAND_ANSWER })
  @ApiBody({ schema: zodToOpenApi(ReasonBody) })
  cancel(
    @Param('pid', pidPipe) pid: number,
    @Body(new ZodPipe(ReasonBody)) body: { reason: string },
    @CurrentOperator() op: AuthenticatedOperator,
    @Idempotent() idem: IdempotentRequest | null,
  ) {
    return this.processes.act(pid, 'cancel', op, body, idem);
  }

  /** Hands my task to another operator whose roles allow it (422 field `operator` otherwise). */
  @RequireScope('processes:write')
  @Post(':pid/transfer')
  @HttpCode(200)
  @IdempotencyHeader
  @ApiOkResponse({ description: 'the process after the action, with its cascade', schema: COMMAND_ANSWER })
  @ApiBody({ schema: zodToOpenApi(TransferBody) })
  transfer(
    @Param('pid', pidPipe) pid: number,
    @Body(new ZodPipe(TransferBody)) body: { operator: string },
    @CurrentOperator() op: AuthenticatedOperator,
    @Idempotent() idem: IdempotentRequest | null,
  ) {
    return this.processes.act(pid, 'transfer', op, body, idem);
  }

  /** Retries a process in ERROR (administrators). Errors: see `ProcessesService.act`. */
  @RequireScope('processes:write')
  @Post(':pid/retry')
  @HttpCode(200)
  @IdempotencyHeader
  @ApiOkResponse({ description: 'the process after the action, with its cascade', schema: COMMAND_ANSWER })
  @ApiOperation({ summary: 'Retry a process in ERROR (admin)' })
  retry(
    @Param('pid', pidPipe) pid: number,
    @CurrentOperator() op: AuthenticatedOperator,
    @Idempotent() idem: IdempotentRequest | null,
  ) {
    return this.processes.act(pid, 'retry', op, {}, idem);
  }

  /**
   * Re-opens a cancelled step of a journey as a new step (administrators); a stranded journey (ERROR) goes on.
   * Answers the new step. Errors: see `ProcessesService.act` (422 INVALID_INPUT when not a cancelled step).
   */
  @RequireScope('processes:write')
  @Post(':pid/reopen')
  @HttpCode(200)
  @IdempotencyHeader
  @ApiOkResponse({ description: 'the process after the action, with its cascade', schema: COMMAND_ANSWER })
  @ApiOperation({ summary: 'Re-open a cancelled step as a new step (admin); a stranded journey goes on' })
  reopen(
    @Param('pid', pidPipe) pid: number,
    @CurrentOperator() op: AuthenticatedOperator,
    @Idempotent() idem: IdempotentRequest | null,
  ) {
    return this.processes.act(pid, 'reopen', op, {}, idem);
  }
}
