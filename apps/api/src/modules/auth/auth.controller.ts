import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import {
  ApiBody,
  ApiOkResponse,
  ApiTags,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { ZodPipe } from '../../infra/validation/zod-body.pipe';
import { zodToOpenApi } from '../../infra/validation/zod-openapi.util';
import { AuthService } from './auth.service';
import { Public } from './decorators/public.decorator';
import { LoginBody, LoginResponse } from './dtos/login.dto';

/** `POST /api/v1/auth/login` (public). */
@ApiTags('auth')
@Controller('v1/auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  /** Exchanges username and password for an access token. */
  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiBody({ schema: zodToOpenApi(LoginBody) })
  @ApiOkResponse({ schema: zodToOpenApi(LoginResponse, 'output') })
  @ApiUnauthorizedResponse({ description: 'Unknown user or wrong password (problem+json)' })
  @ApiUnprocessableEntityResponse({ description: 'Malformed body (problem+json with errors[])' })
  login(@Body(new ZodPipe(LoginBody)) body: LoginBody): Promise<LoginResponse> {
    return this.auth.login(body);
  }
}
