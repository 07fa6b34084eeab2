import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { z } from 'zod';
import {
  CalendarBodySchema,
  CalendarLeaveBodySchema,
  CalendarLeaveViewSchema,
  CalendarViewSchema,
} from '@opkernel/contracts';
import { SafeIdPipe } from '../../infra/validation/safe-id.pipe';
import { ZodPipe } from '../../infra/validation/zod-body.pipe';
import { zodToOpenApi } from '../../infra/validation/zod-openapi.util';
import { AdminOnly } from '../auth/decorators/admin-only.decorator';
import { CalendarPutSchema, LeavePostSchema, type CalendarPut, type LeavePost } from './calendar-body';
import { CalendarsService } from './calendars.service';

const CALENDAR = zodToOpenApi(CalendarViewSchema, 'output');

/** Business calendars and their leaves (admin): what get-next, push, rooms and SLA clocks count time by. */
@ApiTags('calendars')
@ApiBearerAuth()
@Controller('v1')
export class CalendarsController {
  constructor(private readonly calendars: CalendarsService) {}

  @AdminOnly()
  @Get('calendars')
  @ApiOperation({ summary: 'Every calendar with its leaves and who uses it (admin)' })
  @ApiOkResponse({ schema: zodToOpenApi(z.array(CalendarViewSchema), 'output') })
  list() {
    return this.calendars.list();
  }

  @AdminOnly()
  @Get('calendars/:key')
  @ApiOperation({ summary: 'One calendar (admin)' })
  @ApiOkResponse({ schema: CALENDAR })
  @ApiNotFoundResponse({ description: 'no such calendar' })
  one(@Param('key') key: string) {
    return this.calendars.one(key);
  }

  /** Creates (201) or replaces (200) a calendar; its leaves stay. @throws 422 naming the field */
  @AdminOnly()
  @Put('calendars/:key')
  @ApiOperation({
    summary: 'Create or replace a calendar {label?, timeZone, attendances, holidays?} (admin) → 201 | 200',
  })
  @ApiBody({ schema: zodToOpenApi(CalendarBodySchema) })
  @ApiOkResponse({ schema: CALENDAR })
  @ApiCreatedResponse({ schema: CALENDAR })
  async put(
    @Param('key') key: string,
    @Body(new ZodPipe(CalendarPutSchema)) body: CalendarPut,
    @Res({ passthrough: true }) res: { status(code: number): unknown },
  ) {
    const { calendar, created } = await this.calendars.put(key, body);
    res.status(created ? 201 : 200);
    return calendar;
  }

  /** Deletes a calendar and its leaves. @throws 404; 409 CALENDAR_IN_USE naming who uses it */
  @AdminOnly()
  @Delete('calendars/:key')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a calendar no operator, resource or SLA uses (admin) → 204 | 409 CALENDAR_IN_USE' })
  @ApiConflictResponse({ description: 'CALENDAR_IN_USE: usedBy {operators, resources, slas}' })
  async delete(@Param('key') key: string) {
    await this.calendars.delete(key);
  }

  @AdminOnly()
  @Post('calendars/:key/leaves')
  @ApiOperation({ summary: 'Add a leave {operator? | resource?, from, to, reason?} (admin) → 201' })
  @ApiBody({ schema: zodToOpenApi(CalendarLeaveBodySchema) })
  @ApiCreatedResponse({ schema: zodToOpenApi(CalendarLeaveViewSchema, 'output') })
  addLeave(@Param('key') key: string, @Body(new ZodPipe(LeavePostSchema)) body: LeavePost) {
    return this.calendars.addLeave(key, body);
  }

  @AdminOnly()
  @Delete('calendars/:key/leaves/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a leave (admin); the time it closed is open again' })
  async deleteLeave(@Param('key') key: string, @Param('id', new SafeIdPipe('id')) id: number) {
    await this.calendars.deleteLeave(key, id);
  }
}
