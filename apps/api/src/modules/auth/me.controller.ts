import { Body, Controller, Get, HttpCode, Put, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { ZodPipe } from '../../infra/validation/zod-body.pipe';
import { zodToOpenApi } from '../../infra/validation/zod-openapi.util';
import { clientAddress, type ClientRequest } from './auth.controller';
import { AuthService } from './auth.service';
import { CurrentOperator } from './current-operator.decorator';
import { RequireScope } from './decorators/scope.decorator';
import { ChangeMyPasswordBody, LoginResponse } from './dtos/login.dto';
import { MeResponse } from './dtos/me.dto';
import { unauthorized } from './auth.errors';
import { MeDirectory } from './me-directory';
import { OperatorDirectory } from './operator-directory.service';
import type { AuthenticatedOperator } from './types/authenticated-operator.type';

/** `GET /api/v1/me` (the current operator, role labels, allowed services) and `PUT /api/v1/me/password`. */
@ApiTags('auth')
@ApiBearerAuth()
@Controller('v1/me')
export class MeController {
  constructor(
    private readonly directory: MeDirectory,
    private readonly auth: AuthService,
    private readonly operators: OperatorDirectory,
  ) {}

  /**
   * The current operator (an API token: its integration actor), its roles (with labels) and services — read
   * fresh from the database, not from the authentication cache, so a client that reloads its grants sees the
   * latest ones.
   * @throws ProblemException 401 when the operator is gone or locked.
   */
  @Get()
  @RequireScope('any')
  @ApiOkResponse({ schema: zodToOpenApi(MeResponse, 'output') })
  async me(@CurrentOperator() current: AuthenticatedOperator): Promise<MeResponse> {
    const fresh = current.username ? await this.operators.credentials(current.username) : null;
    if (current.username && (!fresh || fresh.locked)) throw unauthorized('The operator of this token no longer exists');
    const operator = fresh?.operator ?? current;
    const [roles, services] = await Promise.all([
      this.directory.describeRoles(operator.roles),
      this.directory.allowedServices(operator),
    ]);
    return { operator, roles, services };
  }

  /** Changes my password (the current one is checked); my other sessions are revoked, this one gets new tokens. */
  @Put('password')
  @HttpCode(200)
  @ApiBody({ schema: zodToOpenApi(ChangeMyPasswordBody) })
  @ApiOkResponse({ schema: zodToOpenApi(LoginResponse, 'output') })
  @ApiUnprocessableEntityResponse({
    description: 'currentPassword is wrong, or newPassword is too weak (problem+json naming the field and the reason)',
  })
  changePassword(
    @CurrentOperator() operator: AuthenticatedOperator,
    @Body(new ZodPipe(ChangeMyPasswordBody)) body: ChangeMyPasswordBody,
    @Req() req: ClientRequest,
  ): Promise<LoginResponse> {
    return this.auth.changeMyPassword(operator, body, clientAddress(req));
  }
}
