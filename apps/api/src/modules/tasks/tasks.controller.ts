import { applyDecorators, Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { EntityTaskGroupsSchema, ProcessViewSchema } from '@opkernel/contracts';
import { PagedQueryPipe } from '../../infra/validation/paged-query.pipe';
import { zodToOpenApi } from '../../infra/validation/zod-openapi.util';
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
import { ProcessQueries, type EntityTaskGroups, type KeysetPage } from '../processes/process-queries.service';
import type { ProcessView } from '../processes/process-view';

/** Response header with the next page's cursor (also inside the `Link` header's URL). */
export const NEXT_CURSOR_HEADER = 'X-Next-Cursor';

type HttpRequest = { originalUrl: string };
type HttpResponse = { setHeader(name: string, value: string): unknown };

const taskListQuery = new PagedQueryPipe(TaskListQuery, KEYSET_FIELDS);

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
      schema: zodToOpenApi(z.array(ProcessViewSchema), 'output'),
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

/**
 * Task lists: mine, my pool, and an entity's processes in four groups. Every list goes through
 * {@link ProcessReadPolicy}: customers (non-staff operators) get a 403 problem.
 */
@ApiTags('tasks')
@ApiBearerAuth()
@RequireScope('processes:read')
@Controller('v1')
export class TasksController {
  constructor(private readonly queries: ProcessQueries) {}

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
    const page = await this.queries.taskPage('mine', op, { limit: q.limit, after: q.cursor ?? null });
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
    const page = await this.queries.taskPage('pool', op, { limit: q.limit, after: q.cursor ?? null });
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
  @ApiOkResponse({ schema: zodToOpenApi(EntityTaskGroupsSchema, 'output') })
  async entityTasks(
    @Param('type') type: string,
    @Param('id') id: string,
    @CurrentOperator() op: AuthenticatedOperator,
  ): Promise<EntityTaskGroups> {
    return this.queries.entityTasks(type, id, op);
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
