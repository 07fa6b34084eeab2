import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { zodToOpenApi } from '../../infra/validation/zod-openapi.util';
import { CurrentOperator } from './current-operator.decorator';
import { MeResponse } from './dtos/me.dto';
import { MeDirectory } from './me-directory';
import type { AuthenticatedOperator } from './types/authenticated-operator.type';

/** `GET /api/v1/me`: the current operator, role labels and allowed services. */
@ApiTags('auth')
@ApiBearerAuth()
@Controller('v1/me')
export class MeController {
  constructor(private readonly directory: MeDirectory) {}

  /** The current operator, its roles (with labels) and the services it may work on. */
  @Get()
  @ApiOkResponse({ schema: zodToOpenApi(MeResponse, 'output') })
  async me(@CurrentOperator() operator: AuthenticatedOperator): Promise<MeResponse> {
    const [roles, services] = await Promise.all([
      this.directory.describeRoles(operator.roles),
      this.directory.allowedServices(operator),
    ]);
    return { operator, roles, services };
  }
}
