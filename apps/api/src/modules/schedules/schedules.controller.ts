import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ScheduleViewSchema, SchedulesQuerySchema, type SchedulesQuery } from '@opkernel/contracts';
import { ZodPipe } from '../../infra/validation/zod-body.pipe';
import { zodToOpenApi } from '../../infra/validation/zod-openapi.util';
import { AdminOnly } from '../auth/decorators/admin-only.decorator';
import { SchedulesService } from './schedules.service';

/** The design's recurring schedules for admins: next fire time and last fires. */
@ApiTags('schedules')
@ApiBearerAuth()
@Controller('v1/schedules')
export class SchedulesController {
  constructor(private readonly schedules: SchedulesService) {}

  /** @throws ProblemException 400 (query), 401/403 */
  @AdminOnly()
  @Get()
  @ApiOperation({
    summary: "The current design's schedules with their next fire time and last fires, newest first (admin)",
  })
  @ApiQuery({ name: 'fires', required: false, schema: { type: 'integer', minimum: 0, maximum: 100, default: 10 } })
  @ApiOkResponse({ schema: zodToOpenApi(z.array(ScheduleViewSchema), 'output') })
  list(@Query(new ZodPipe(SchedulesQuerySchema)) q: SchedulesQuery) {
    return this.schedules.list(q.fires);
  }
}
