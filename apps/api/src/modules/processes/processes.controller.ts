import { Body, Controller, Get, HttpCode, Param, ParseIntPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { zodToOpenApi } from '../../infra/validation/zod-openapi.util';
import { ProblemException } from '../../infra/problem/problem.exception';
import { ZodPipe } from '../../infra/validation/zod-body.pipe';
import { CurrentOperator, type AuthenticatedOperator } from '../auth/current-operator.decorator';
import {
  CompleteBody,
  ListProcessesQuery,
  ReasonBody,
  StartProcessBody,
  TransferBody,
  type ListProcessesDto,
  type StartProcessDto,
} from './dtos/process.dto';
import { ProcessQueries } from './process-queries.service';
import { ProcessesService } from './processes.service';

const pidPipe = new ParseIntPipe({
  exceptionFactory: () =>
    ProblemException.unprocessable('pid must be an integer', [{ field: 'pid', message: 'must be an integer' }]),
});

/** Processes: start, list, inspect, and the operator actions. Thin: validation pipes + one service call. */
@ApiTags('processes')
@ApiBearerAuth()
@Controller('v1/processes')
export class ProcessesController {
  constructor(
    private readonly processes: ProcessesService,
    private readonly queries: ProcessQueries,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Start a journey: {service, entity: {type, id} | {type, label}, priority?} → PCB' })
  @ApiBody({ schema: zodToOpenApi(StartProcessBody) })
  start(@Body(new ZodPipe(StartProcessBody)) body: StartProcessDto, @CurrentOperator() op: AuthenticatedOperator) {
    return this.processes.start(body, op);
  }

  @Get()
  @ApiOperation({ summary: 'List processes (filters: state, service, entityType, entityId, assignee; page, pageSize)' })
  list(@Query(new ZodPipe(ListProcessesQuery)) q: ListProcessesDto) {
    return this.queries.list(q);
  }

  @Get(':pid')
  @ApiOperation({ summary: 'One process with parent, previous and children' })
  async one(@Param('pid', pidPipe) pid: number) {
    const p = await this.queries.withRelations(pid);
    if (!p) throw ProblemException.notFound(`process ${pid} does not exist`);
    return p;
  }

  @Get(':pid/events')
  @ApiOperation({ summary: 'Audit trail of a process' })
  async events(@Param('pid', pidPipe) pid: number) {
    if (!(await this.queries.one(pid))) throw ProblemException.notFound(`process ${pid} does not exist`);
    return this.queries.events(pid);
  }

  @Get(':pid/snapshots')
  @ApiOperation({ summary: 'Context snapshots of a process (versioned, SHA-256 of the canonical content)' })
  async snapshots(@Param('pid', pidPipe) pid: number) {
    if (!(await this.queries.one(pid))) throw ProblemException.notFound(`process ${pid} does not exist`);
    return this.queries.snapshots(pid);
  }

  @Post(':pid/claim')
  @HttpCode(200)
  claim(@Param('pid', pidPipe) pid: number, @CurrentOperator() op: AuthenticatedOperator) {
    return this.processes.act(pid, 'claim', op);
  }

  @Post(':pid/unclaim')
  @HttpCode(200)
  unclaim(@Param('pid', pidPipe) pid: number, @CurrentOperator() op: AuthenticatedOperator) {
    return this.processes.act(pid, 'unclaim', op);
  }

  @Post(':pid/start')
  @HttpCode(200)
  startTask(@Param('pid', pidPipe) pid: number, @CurrentOperator() op: AuthenticatedOperator) {
    return this.processes.act(pid, 'start', op);
  }

  @Post(':pid/complete')
  @HttpCode(200)
  @ApiOperation({ summary: 'Complete a task with its form {form}; rules fire; 409 when already completed' })
  @ApiBody({ schema: zodToOpenApi(CompleteBody) })
  complete(
    @Param('pid', pidPipe) pid: number,
    @Body(new ZodPipe(CompleteBody)) body: { form: Record<string, unknown> },
    @CurrentOperator() op: AuthenticatedOperator,
  ) {
    return this.processes.act(pid, 'complete', op, { form: body.form });
  }

  @Post(':pid/suspend')
  @HttpCode(200)
  @ApiBody({ schema: zodToOpenApi(ReasonBody) })
  suspend(
    @Param('pid', pidPipe) pid: number,
    @Body(new ZodPipe(ReasonBody)) body: { reason: string },
    @CurrentOperator() op: AuthenticatedOperator,
  ) {
    return this.processes.act(pid, 'suspend', op, body);
  }

  @Post(':pid/resume')
  @HttpCode(200)
  resume(@Param('pid', pidPipe) pid: number, @CurrentOperator() op: AuthenticatedOperator) {
    return this.processes.act(pid, 'resume', op);
  }

  @Post(':pid/cancel')
  @HttpCode(200)
  @ApiBody({ schema: zodToOpenApi(ReasonBody) })
  cancel(
    @Param('pid', pidPipe) pid: number,
    @Body(new ZodPipe(ReasonBody)) body: { reason: string },
    @CurrentOperator() op: AuthenticatedOperator,
  ) {
    return this.processes.act(pid, 'cancel', op, body);
  }

  @Post(':pid/transfer')
  @HttpCode(200)
  @ApiBody({ schema: zodToOpenApi(TransferBody) })
  transfer(
    @Param('pid', pidPipe) pid: number,
    @Body(new ZodPipe(TransferBody)) body: { operator: string },
    @CurrentOperator() op: AuthenticatedOperator,
  ) {
    return this.processes.act(pid, 'transfer', op, body);
  }

  @Post(':pid/retry')
  @HttpCode(200)
  @ApiOperation({ summary: 'Retry a process in ERROR (admin)' })
  retry(@Param('pid', pidPipe) pid: number, @CurrentOperator() op: AuthenticatedOperator) {
    return this.processes.act(pid, 'retry', op);
  }
}
