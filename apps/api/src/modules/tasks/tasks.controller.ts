import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentOperator, type AuthenticatedOperator } from '../auth/current-operator.decorator';
import { RequireScope } from '../auth/decorators/scope.decorator';
import { ProcessQueries } from '../processes/process-queries.service';
import { ProcessReadPolicy } from '../processes/process-read.policy';
import type { ProcessView } from '../processes/process-view';

const OPEN = `p.state <> 'TERMINATED'`;
/** Today/overdue first: by scheduled time (unscheduled last), then priority (high first), then age. */
const TASK_ORDER = 'p.scheduled_at ASC NULLS LAST, p.priority DESC, p.pid ASC';

/** An entity's processes in four groups (`GET /entities/{type}/{id}/tasks`). */
export type EntityTaskGroups = {
  entity: { type: string; id: string; label: string | null };
  scheduled: ProcessView[];
  running: ProcessView[];
  paused: ProcessView[];
  done: ProcessView[];
};

/**
 * Task lists: mine, my pool, and an entity's processes in four groups. Every list goes through
 * {@link ProcessReadPolicy}: customers (non-staff operators) get a 403 problem.
 */
@ApiTags('tasks')
@ApiBearerAuth()
@RequireScope('processes:read')
@Controller('v1')
export class TasksController {
  constructor(
    private readonly queries: ProcessQueries,
    private readonly policy: ProcessReadPolicy,
  ) {}

  /** My open tasks, today/overdue first. @throws ProblemException 403 for customers. */
  @Get('tasks/mine')
  @ApiOperation({ summary: 'My open tasks' })
  async mine(@CurrentOperator() op: AuthenticatedOperator): Promise<ProcessView[]> {
    const scope = await this.policy.scope(op);
    return this.queries.select(`p.kind = 'task' AND ${OPEN} AND p.assignee = $1`, [op.key], {
      order: TASK_ORDER,
      scope,
    });
  }

  /** Unassigned open tasks my roles may take (every one for administrators). @throws ProblemException 403 for customers. */
  @Get('tasks/pool')
  @ApiOperation({ summary: 'Unassigned open tasks that my roles allow' })
  async pool(@CurrentOperator() op: AuthenticatedOperator): Promise<ProcessView[]> {
    const scope = await this.policy.scope(op);
    if (op.admin) {
      return this.queries.select(`p.kind = 'task' AND ${OPEN} AND p.assignee IS NULL`, [], {
        order: TASK_ORDER,
        scope,
      });
    }
    return this.queries.select(
      `p.kind = 'task' AND ${OPEN} AND p.assignee IS NULL AND p.candidate_roles && $1::text[]`,
      [op.roles],
      { order: TASK_ORDER, scope },
    );
  }

  /**
   * The processes of one business entity that I may read, grouped: scheduled (NEW, READY), running, paused
   * (WAITING, SUSPENDED, ERROR), done (TERMINATED). The label is null when no readable process names it.
   * @throws ProblemException 403 for customers.
   */
  @Get('entities/:type/:id/tasks')
  @ApiOperation({
    summary: "An entity's processes: scheduled (NEW, READY), running, paused (WAITING, SUSPENDED, ERROR), done",
  })
  async entityTasks(
    @Param('type') type: string,
    @Param('id') id: string,
    @CurrentOperator() op: AuthenticatedOperator,
  ): Promise<EntityTaskGroups> {
    const scope = await this.policy.scope(op);
    const all = await this.queries.select('p.entity_type = $1 AND p.entity_id = $2', [type, id], {
      order: 'p.pid ASC',
      scope,
    });
    const group = (states: string[]) => all.filter((p) => states.includes(p.state));
    return {
      entity: { type, id, label: all[0]?.entity?.label ?? null },
      scheduled: group(['NEW', 'READY']),
      running: group(['RUNNING']),
      paused: group(['WAITING', 'SUSPENDED', 'ERROR']),
      done: group(['TERMINATED']),
    };
  }
}
