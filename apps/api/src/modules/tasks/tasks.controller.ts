import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentOperator, type AuthenticatedOperator } from '../auth/current-operator.decorator';
import { ProcessQueries } from '../processes/process-queries.service';

const OPEN = `p.state <> 'TERMINATED'`;
/** Today/overdue first: by scheduled time (unscheduled last), then priority (high first), then age. */
const TASK_ORDER = 'p.scheduled_at ASC NULLS LAST, p.priority DESC, p.pid ASC';

/** Task lists: mine, my pool, and an entity's processes in four groups. */
@ApiTags('tasks')
@ApiBearerAuth()
@Controller('v1')
export class TasksController {
  constructor(private readonly queries: ProcessQueries) {}

  @Get('tasks/mine')
  @ApiOperation({ summary: 'My open tasks' })
  mine(@CurrentOperator() op: AuthenticatedOperator) {
    return this.queries.select(`p.kind = 'task' AND ${OPEN} AND p.assignee = $1`, [op.key], TASK_ORDER);
  }

  @Get('tasks/pool')
  @ApiOperation({ summary: 'Unassigned open tasks that my roles allow' })
  pool(@CurrentOperator() op: AuthenticatedOperator) {
    if (op.admin) return this.queries.select(`p.kind = 'task' AND ${OPEN} AND p.assignee IS NULL`, [], TASK_ORDER);
    return this.queries.select(
      `p.kind = 'task' AND ${OPEN} AND p.assignee IS NULL AND p.candidate_roles && $1::text[]`,
      [op.roles],
      TASK_ORDER,
    );
  }

  @Get('entities/:type/:id/tasks')
  @ApiOperation({
    summary: "An entity's processes: scheduled (NEW, READY), running, paused (WAITING, SUSPENDED, ERROR), done",
  })
  async entityTasks(@Param('type') type: string, @Param('id') id: string) {
    const all = await this.queries.select('p.entity_type = $1 AND p.entity_id = $2', [type, id], 'p.pid ASC');
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
