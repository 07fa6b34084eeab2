import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { EventAnswerSchema, EventViewSchema, PostEventBodySchema, type PostEventBody } from '@opkernel/contracts';
import { ZodPipe } from '../../infra/validation/zod-body.pipe';
import { zodToOpenApi } from '../../infra/validation/zod-openapi.util';
import { CurrentOperator, type AuthenticatedOperator } from '../auth/current-operator.decorator';
import { AdminOnly } from '../auth/decorators/admin-only.decorator';
import { RequireScope } from '../auth/decorators/scope.decorator';
import { EventsService } from './events.service';

const ListQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(100),
    unmatched: z.enum(['true', 'false']).default('false'),
  })
  .strict();

/**
 * The event ring for integrators and devices: `POST /events` (API tokens with `events:write`, or admins) and the
 * admins' list of received events (`GET /events`, `?unmatched=true` for those that started nothing).
 */
@ApiTags('events')
@ApiBearerAuth()
@Controller('v1/events')
export class EventsController {
  constructor(private readonly events: EventsService) {}

  /** @throws ProblemException 422 (body fields), 409 (no design), 401/403 */
  @Post()
  @HttpCode(200)
  @RequireScope('events:write')
  @AdminOnly()
  @ApiOperation({
    summary:
      'Deliver an event {source, eventId, type, correlationKey?, payload}: stored once per (source, eventId); ' +
      'starts the services whose event triggers match, each once',
  })
  @ApiBody({ schema: zodToOpenApi(PostEventBodySchema) })
  @ApiOkResponse({ schema: zodToOpenApi(EventAnswerSchema, 'output') })
  ingest(@Body(new ZodPipe(PostEventBodySchema)) body: PostEventBody, @CurrentOperator() op: AuthenticatedOperator) {
    return this.events.ingest(body, op);
  }

  /** @throws ProblemException 400 (query), 401/403 */
  @Get()
  @RequireScope('events:write')
  @AdminOnly()
  @ApiOperation({ summary: 'Received events, newest first (unmatched=true: those that started nothing)' })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 500, default: 100 } })
  @ApiQuery({ name: 'unmatched', required: false, schema: { type: 'boolean', default: false } })
  @ApiOkResponse({ schema: zodToOpenApi(z.array(EventViewSchema), 'output') })
  list(@Query(new ZodPipe(ListQuery)) q: z.infer<typeof ListQuery>) {
    return this.events.list(q.limit, q.unmatched === 'true');
  }
}
