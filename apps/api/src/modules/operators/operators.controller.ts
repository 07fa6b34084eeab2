import { Body, Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { z } from 'zod';
import { ZodPipe } from '../../infra/validation/zod-body.pipe';
import { zodToOpenApi } from '../../infra/validation/zod-openapi.util';
import { AdminOnly } from '../auth/decorators/admin-only.decorator';
import { OperatorView } from './dtos/operator-view.dto';
import { SetPasswordBody, SetRolesBody } from './dtos/set-password.dto';
import { OperatorsService } from './operators.service';

/** Operator administration (Admin › Staff): list, password, roles, lock (administrators only; no API tokens). */
@ApiTags('operators')
@ApiBearerAuth()
@AdminOnly()
@Controller('v1/operators')
export class OperatorsController {
  constructor(private readonly operators: OperatorsService) {}

  /** Every operator (administrators only). */
  @Get()
  @ApiOkResponse({ schema: zodToOpenApi(z.array(OperatorView), 'output') })
  list(): Promise<OperatorView[]> {
    return this.operators.list();
  }

  /** Sets an operator's password and revokes their tokens; `id` is the operator key. */
  @Put(':id/password')
  @HttpCode(204)
  @ApiBody({ schema: zodToOpenApi(SetPasswordBody) })
  @ApiNoContentResponse({ description: 'Password changed; the operator must sign in again' })
  @ApiNotFoundResponse({ description: 'Unknown operator (problem+json)' })
  @ApiUnprocessableEntityResponse({ description: 'Password too weak (problem+json, errors[].field = password)' })
  async setPassword(@Param('id') id: string, @Body(new ZodPipe(SetPasswordBody)) body: SetPasswordBody): Promise<void> {
    await this.operators.setPassword(id, body.password);
  }

  /** Replaces an operator's roles (keys of the current design) and revokes their tokens. */
  @Put(':id/roles')
  @ApiBody({ schema: zodToOpenApi(SetRolesBody) })
  @ApiOkResponse({ schema: zodToOpenApi(OperatorView, 'output') })
  @ApiUnprocessableEntityResponse({ description: 'Unknown role (problem+json, errors[].field = roles)' })
  setRoles(@Param('id') id: string, @Body(new ZodPipe(SetRolesBody)) body: SetRolesBody): Promise<OperatorView> {
    return this.operators.setRoles(id, body.roles);
  }

  /** Locks an operator: no login, every token refused, live sockets disconnected. */
  @Post(':id/lock')
  @HttpCode(200)
  @ApiOkResponse({ schema: zodToOpenApi(OperatorView, 'output') })
  lock(@Param('id') id: string): Promise<OperatorView> {
    return this.operators.setLocked(id, true);
  }

  /** Unlocks an operator (they sign in again with their password). */
  @Post(':id/unlock')
  @HttpCode(200)
  @ApiOkResponse({ schema: zodToOpenApi(OperatorView, 'output') })
  unlock(@Param('id') id: string): Promise<OperatorView> {
    return this.operators.setLocked(id, false);
  }
}
