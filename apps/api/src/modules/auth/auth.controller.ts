import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { ZodPipe } from '../../infra/validation/zod-body.pipe';
import { zodToOpenApi } from '../../infra/validation/zod-openapi.util';
import { AuthService } from './auth.service';
import { CurrentOperator } from './current-operator.decorator';
import { Public } from './decorators/public.decorator';
import { LoginBody, LoginResponse, RefreshBody } from './dtos/login.dto';
import { SessionsService } from './sessions.service';
import type { AuthenticatedOperator } from './types/authenticated-operator.type';

/** The part of an Express request {@link clientAddress} reads. */
export type ClientRequest = { ip?: string; socket?: { remoteAddress?: string } };

/** The client's address for throttling (Express `req.ip`; honours `trust proxy` when configured). */
export const clientAddress = (req: ClientRequest): string => req.ip ?? req.socket?.remoteAddress ?? 'unknown';

/** `POST /api/v1/auth/login | refresh` (public) and `logout`. */
@ApiTags('auth')
@Controller('v1/auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly sessions: SessionsService,
  ) {}

  /** Exchanges username and password for an access token (15 min) and a refresh token (12 h, single use). */
  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiBody({ schema: zodToOpenApi(LoginBody) })
  @ApiOkResponse({ schema: zodToOpenApi(LoginResponse, 'output') })
  @ApiUnauthorizedResponse({ description: 'Unknown user, locked user or wrong password (problem+json)' })
  @ApiTooManyRequestsResponse({ description: 'Too many failed logins for this username or address (Retry-After)' })
  @ApiUnprocessableEntityResponse({ description: 'Malformed body (problem+json with errors[])' })
  login(@Body(new ZodPipe(LoginBody)) body: LoginBody, @Req() req: ClientRequest): Promise<LoginResponse> {
    return this.auth.login(body, clientAddress(req));
  }

  /** Exchanges a refresh token for the next token pair (the presented refresh token is used up). */
  @Public()
  @Post('refresh')
  @HttpCode(200)
  @ApiBody({ schema: zodToOpenApi(RefreshBody) })
  @ApiOkResponse({ schema: zodToOpenApi(LoginResponse, 'output') })
  @ApiUnauthorizedResponse({ description: 'Invalid, expired, used or revoked refresh token (problem+json)' })
  refresh(@Body(new ZodPipe(RefreshBody)) body: RefreshBody): Promise<LoginResponse> {
    return this.sessions.refresh(body.refreshToken);
  }

  /** Signs out everywhere: every access and refresh token of the operator is revoked, live sockets disconnected. */
  @Post('logout')
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiNoContentResponse({ description: 'Signed out on every device' })
  logout(@CurrentOperator() operator: AuthenticatedOperator): Promise<void> {
    return this.auth.logout(operator);
  }
}
