import { Body, Controller, Get, HttpCode, Param, Put } from '@nestjs/common';
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
import { SetPasswordBody } from './dtos/set-password.dto';
import { OperatorsService } from './operators.service';

/** Operator administration: list operators, set a password (administrators only). */
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

  /** Sets an operator's password (administrators only); `id` is the operator key. */
  @Put(':id/password')
  @HttpCode(204)
  @ApiBody({ schema: zodToOpenApi(SetPasswordBody) })
  @ApiNoContentResponse({ description: 'Password changed' })
  @ApiNotFoundResponse({ description: 'Unknown operator (problem+json)' })
  @ApiUnprocessableEntityResponse({
    description: 'Password shorter than 8 characters (problem+json, errors[].field = password)',
  })
  async setPassword(@Param('id') id: string, @Body(new ZodPipe(SetPasswordBody)) body: SetPasswordBody): Promise<void> {
    await this.operators.setPassword(id, body.password);
  }
}
