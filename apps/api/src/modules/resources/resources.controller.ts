import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import {
  BookingBodySchema,
  BookingsQuerySchema,
  BookingViewSchema,
  ResourcePatchBodySchema,
  ResourceStateBodySchema,
  ResourceViewSchema,
} from '@opkernel/contracts';
import { SafeIdPipe } from '../../infra/validation/safe-id.pipe';
import { ZodPipe } from '../../infra/validation/zod-body.pipe';
import { zodToOpenApi } from '../../infra/validation/zod-openapi.util';
import { AdminOnly } from '../auth/decorators/admin-only.decorator';
import { CurrentOperator, type AuthenticatedOperator } from '../auth/current-operator.decorator';
import { RequireScope } from '../auth/decorators/scope.decorator';
import { staffOnly } from '../auth/staff-only';
import { ResourcesService } from './resources.service';

/** Rooms and machines: staff read them and their bookings; admins block them and book them from outside. */
@ApiTags('resources')
@ApiBearerAuth()
@Controller('v1')
export class ResourcesController {
  constructor(private readonly resources: ResourcesService) {}

  @RequireScope('processes:read')
  @Get('resources')
  @ApiOperation({ summary: 'Rooms and machines (?type=) with slots in use now and when one frees' })
  @ApiQuery({ name: 'type', required: false })
  @ApiOkResponse({ schema: zodToOpenApi(z.array(ResourceViewSchema), 'output') })
  list(@CurrentOperator() op: AuthenticatedOperator, @Query('type') type?: string) {
    staffOnly(op);
    return this.resources.list(typeof type === 'string' && type !== '' ? type : null);
  }

  @RequireScope('processes:read')
  @Get('resources/:key')
  @ApiOperation({ summary: 'One room or machine' })
  @ApiOkResponse({ schema: zodToOpenApi(ResourceViewSchema, 'output') })
  one(@Param('key') key: string, @CurrentOperator() op: AuthenticatedOperator) {
    staffOnly(op);
    return this.resources.one(key);
  }

  @AdminOnly()
  @Patch('resources/:key')
  @ApiOperation({
    summary:
      'Rename, resize or re-calendar a resource {label?, capacity?, calendar?} (admin) → 409 below the slots in use',
  })
  @ApiBody({ schema: zodToOpenApi(ResourcePatchBodySchema) })
  @ApiOkResponse({ schema: zodToOpenApi(ResourceViewSchema, 'output') })
  patch(
    @Param('key') key: string,
    @Body(new ZodPipe(ResourcePatchBodySchema)) body: z.infer<typeof ResourcePatchBodySchema>,
  ) {
    return this.resources.patch(key, body);
  }

  @AdminOnly()
  @Put('resources/:key/state')
  @ApiOperation({ summary: 'Block, retire or release a resource {state, reason} (admin)' })
  @ApiBody({ schema: zodToOpenApi(ResourceStateBodySchema) })
  @ApiOkResponse({ schema: zodToOpenApi(ResourceViewSchema, 'output') })
  setState(
    @Param('key') key: string,
    @Body(new ZodPipe(ResourceStateBodySchema)) body: z.infer<typeof ResourceStateBodySchema>,
  ) {
    return this.resources.setState(key, body.state);
  }

  @RequireScope('processes:read')
  @Get('resources/:key/bookings')
  @ApiOperation({ summary: "A resource's bookings overlapping ?from&to (default: a day around now)" })
  @ApiOkResponse({ schema: zodToOpenApi(z.array(BookingViewSchema), 'output') })
  bookings(
    @Param('key') key: string,
    @Query(new ZodPipe(BookingsQuerySchema)) q: z.infer<typeof BookingsQuerySchema>,
    @CurrentOperator() op: AuthenticatedOperator,
  ) {
    staffOnly(op);
    return this.resources.bookings(key, q.from, q.to);
  }

  @AdminOnly()
  @Post('resources/:key/bookings')
  @ApiOperation({ summary: 'Book a slot from outside {from, to, slot?, note?} (admin) → 201 | 409 BOOKING_CONFLICT' })
  @ApiBody({ schema: zodToOpenApi(BookingBodySchema) })
  @ApiOkResponse({ schema: zodToOpenApi(BookingViewSchema, 'output') })
  book(@Param('key') key: string, @Body(new ZodPipe(BookingBodySchema)) body: z.infer<typeof BookingBodySchema>) {
    return this.resources.book(key, body);
  }

  @AdminOnly()
  @Delete('bookings/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Cancel a live booking (admin); tasks waiting for its type try again' })
  async cancel(@Param('id', new SafeIdPipe('id')) id: number) {
    await this.resources.cancel(id);
  }
}
