import { applyDecorators, Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { PagedQueryPipe } from '../../infra/validation/paged-query.pipe';
import { CurrentOperator, type AuthenticatedOperator } from '../auth/current-operator.decorator';
import { RequireScope } from '../auth/decorators/scope.decorator';
import {
  encodeTaskCursor,
  KEYSET_FIELDS,
  PAGE_LIMIT,
  TaskListQuery,
  type TaskCursor,
  type TaskListDto,
} from '../processes/dtos/keyset.dto';
import { ProcessQueries, type KeysetPage } from '../processes/process-queries.service';
import { ProcessReadPolicy } from '../processes/process-read.policy';
import type { ProcessView } from '../processes/process-view';

const OPEN = `p.state <> 'TERMINATED'`;
/** Response header with the next page's cursor (also inside the `Link` header's URL). */
export const NEXT_CURSOR_HEADER = 'X-Next-Cursor';

type HttpRequest = { originalUrl: string };
type HttpResponse = { setHeader(name: string, value: string): unknown };

const taskListQuery = new PagedQueryPipe(TaskListQuery, KEYSET_FIELDS);

/**
 * The WHERE clause (over `processes p`, `$1…` for `params`) of `/tasks/mine` (open tasks assigned to `op`) or
 * `/tasks/pool` (unassigned open tasks; for staff, those with one of their roles as a candidate). Written to match
 * the predicates of the partial indexes `processes_open_mine_idx` / `processes_open_pool_idx` literally.
 */
export function taskListFilter(
  list: 'mine' | 'pool',
  op: Pick<AuthenticatedOperator, 'key' | 'admin' | 'roles'>,
): { where: string; params: unknown[] } {
  if (list === 'mine') return { where: `p.kind = 'task' AND ${OPEN} AND p.assignee = $1`, params: [op.key] };
  if (op.admin) return { where: `p.kind = 'task' AND ${OPEN} AND p.assignee IS NULL`, params: [] };
  return {
    where: `p.kind = 'task' AND ${OPEN} AND p.assignee IS NULL AND p.candidate_roles && $1::text[]`,
    params: [op.roles],
  };
}

/** OpenAPI of the keyset paging shared by `/tasks/mine` and `/tasks/pool`. */
const TaskListPaging = () =>
  applyDecorators(
    ApiQuery({
      name: 'limit',
      required: false,
      schema: { type: 'integer', minimum: 1, maximum: PAGE_LIMIT.max, default: PAGE_LIMIT.default },
      description: 'tasks per page',
    }),
    ApiQuery({
      name: 'cursor',
      required: false,
      schema: { type: 'string' },
      description: `opaque; the ${NEXT_CURSOR_HEADER} (or Link rel="next") of the previous page`,
    }),
    ApiOkResponse({
      description:
        'One page of tasks (JSON array), today/overdue first: scheduled time (unscheduled last), priority (high ' +
        'first), pid. When more follow, the headers name the next page.',
      schema: { type: 'array', items: { type: 'object', properties: { pid: { type: 'integer' } } } },
      headers: {
        Link: {
          description: 'RFC 8288 `<…?limit=…&cursor=…>; rel="next"` (absent on the last page)',
          schema: { type: 'string' },
        },
        [NEXT_CURSOR_HEADER]: {
          description: 'the cursor of the next page (absent on the last page)',
          schema: { type: 'string' },
        },
      },
    }),
    ApiBadRequestResponse({ description: 'bad `cursor` or `limit` (problem+json naming the field)' }),
  );

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

  /**
   * One page of my open tasks, today/overdue first (`limit`, default 100, at most 500; `cursor` from the previous
   * page); the next page is named by the `Link` and `X-Next-Cursor` headers.
   * @throws ProblemException 400 naming `cursor` / `limit` when bad; 403 for customers.
   */
  @Get('tasks/mine')
  @ApiOperation({ summary: 'My open tasks (keyset paged: limit, cursor)' })
  @TaskListPaging()
  async mine(
    @Query(taskListQuery) q: TaskListDto,
    @CurrentOperator() op: AuthenticatedOperator,
    @Req() req: HttpRequest,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<ProcessView[]> {
    const scope = await this.policy.scope(op);
    const { where, params } = taskListFilter('mine', op);
    const page = await this.queries.taskPage(where, params, { scope, limit: q.limit, after: q.cursor ?? null });
    return sendPage(page, q.limit, req, res);
  }

  /**
   * One page of the unassigned open tasks my roles may take (every one for administrators), in the order and
   * paging of {@link mine}.
   * @throws ProblemException 400 naming `cursor` / `limit` when bad; 403 for customers.
   */
  @Get('tasks/pool')
  @ApiOperation({ summary: 'Unassigned open tasks that my roles allow (keyset paged: limit, cursor)' })
  @TaskListPaging()
  async pool(
    @Query(taskListQuery) q: TaskListDto,
    @CurrentOperator() op: AuthenticatedOperator,
    @Req() req: HttpRequest,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<ProcessView[]> {
    const scope = await this.policy.scope(op);
    const { where, params } = taskListFilter('pool', op);
    const page = await this.queries.taskPage(where, params, { scope, limit: q.limit, after: q.cursor ?? null });
    return sendPage(page, q.limit, req, res);
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

/**
 * The items of `page` as the body; when a next page exists, its cursor in `X-Next-Cursor` and its URL (this path,
 * `limit` and `cursor`) in an RFC 8288 `Link: <…>; rel="next"` header.
 */
function sendPage(page: KeysetPage<TaskCursor>, limit: number, req: HttpRequest, res: HttpResponse): ProcessView[] {
  if (page.next) {
    const cursor = encodeTaskCursor(page.next);
    const path = req.originalUrl.split('?')[0]!;
    res.setHeader(NEXT_CURSOR_HEADER, cursor);
    res.setHeader('Link', `<${path}?${new URLSearchParams({ limit: String(limit), cursor })}>; rel="next"`);
  }
  return page.items;
}
