import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import {
  AvailabilitySchema,
  OperatorCalendarBodySchema,
  OperatorCapacityBodySchema,
  OperatorSkillsBodySchema,
  PresenceBodySchema,
} from '@opkernel/contracts';
import { ZodPipe } from '../../infra/validation/zod-body.pipe';
import { zodToOpenApi } from '../../infra/validation/zod-openapi.util';
import { CurrentOperator, type AuthenticatedOperator } from '../auth/current-operator.decorator';
import { AdminOnly } from '../auth/decorators/admin-only.decorator';
import { RequireScope } from '../auth/decorators/scope.decorator';
import { staffOnly } from '../auth/staff-only';
import { AvailabilityService } from './availability.service';

const AVAILABILITY = zodToOpenApi(AvailabilitySchema, 'output');

/** My presence and availability (`/me/…`), and an admin's view and changes of an operator's (`/operators/{key}/…`). */
@ApiTags('scheduler')
@ApiBearerAuth()
@Controller('v1')
export class AvailabilityController {
  constructor(private readonly availability: AvailabilityService) {}

  /** Sets whether I take work now: `available`, `away` or `offline` (get-next refuses unless available). */
  @RequireScope('processes:write')
  @Put('me/presence')
  @ApiOperation({ summary: 'Set my presence {status: available|away|offline} → my availability' })
  @ApiBody({ schema: zodToOpenApi(PresenceBodySchema) })
  @ApiOkResponse({ schema: AVAILABILITY })
  async setPresence(
    @Body(new ZodPipe(PresenceBodySchema)) body: z.infer<typeof PresenceBodySchema>,
    @CurrentOperator() op: AuthenticatedOperator,
  ) {
    staffOnly(op);
    await this.availability.setPresence(op.key, body.status);
    return this.availability.of(op.key, op.roles);
  }

  /** Whether get-next would hand me work now: presence, shift, load and capacity, skills, lanes. */
  @RequireScope('processes:read')
  @Get('me/availability')
  @ApiOperation({ summary: 'My availability: presence, shift, load, capacity, skills, lanes' })
  @ApiOkResponse({ schema: AVAILABILITY })
  me(@CurrentOperator() op: AuthenticatedOperator) {
    staffOnly(op);
    return this.availability.of(op.key, op.roles);
  }

  /** An operator's availability (admin). @throws 404 for an unknown operator */
  @AdminOnly()
  @Get('operators/:id/availability')
  @ApiOperation({ summary: "An operator's availability (admin)" })
  @ApiOkResponse({ schema: AVAILABILITY })
  @ApiNotFoundResponse({ description: 'no such operator' })
  of(@Param('id') key: string) {
    return this.availability.ofOperator(key);
  }

  /** Sets an operator's skills (admin). @throws 404, 422 naming `[i].skill` */
  @AdminOnly()
  @Put('operators/:id/skills')
  @ApiOperation({ summary: "Set an operator's skills [{skill, level 1–10}] (admin)" })
  @ApiBody({ schema: zodToOpenApi(OperatorSkillsBodySchema) })
  @ApiOkResponse({ schema: AVAILABILITY })
  setSkills(
    @Param('id') key: string,
    @Body(new ZodPipe(OperatorSkillsBodySchema)) body: z.infer<typeof OperatorSkillsBodySchema>,
  ) {
    return this.availability.setSkills(key, body);
  }

  /** Sets an operator's capacity (admin; null = unlimited). @throws 404 */
  @AdminOnly()
  @Put('operators/:id/capacity')
  @ApiOperation({ summary: "Set an operator's capacity {capacity: int | null} (admin)" })
  @ApiBody({ schema: zodToOpenApi(OperatorCapacityBodySchema) })
  @ApiOkResponse({ schema: AVAILABILITY })
  setCapacity(
    @Param('id') key: string,
    @Body(new ZodPipe(OperatorCapacityBodySchema)) body: z.infer<typeof OperatorCapacityBodySchema>,
  ) {
    return this.availability.setCapacity(key, body.capacity);
  }

  /** Sets an operator's calendar (admin; null = always on shift). @throws 404, 422 naming `calendar` */
  @AdminOnly()
  @Put('operators/:id/calendar')
  @ApiOperation({ summary: "Set an operator's calendar {calendar: key | null} (admin)" })
  @ApiBody({ schema: zodToOpenApi(OperatorCalendarBodySchema) })
  @ApiOkResponse({ schema: AVAILABILITY })
  setCalendar(
    @Param('id') key: string,
    @Body(new ZodPipe(OperatorCalendarBodySchema)) body: z.infer<typeof OperatorCalendarBodySchema>,
  ) {
    return this.availability.setCalendar(key, body.calendar);
  }
}
