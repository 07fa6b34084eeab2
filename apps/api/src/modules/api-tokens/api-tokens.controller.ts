import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { z } from 'zod';
import type { ApiTokenView, CreatedApiToken } from '@opkernel/contracts';
import { ProblemException } from '../../infra/problem/problem.exception';
import { ZodPipe } from '../../infra/validation/zod-body.pipe';
import { zodToOpenApi } from '../../infra/validation/zod-openapi.util';
import { CurrentOperator } from '../auth/current-operator.decorator';
import { AdminOnly } from '../auth/decorators/admin-only.decorator';
import { API_TOKEN_SCOPES } from '../auth/decorators/scope.decorator';
import type { AuthenticatedOperator } from '../auth/types/authenticated-operator.type';
import { ApiTokensService } from './api-tokens.service';

const Scope = z.enum(API_TOKEN_SCOPES as [string, ...string[]]);
const CreateBody = z.object({
  name: z.string().trim().min(1).max(100),
  scopes: z.array(Scope).min(1).max(API_TOKEN_SCOPES.length),
});
type CreateBody = { name: string; scopes: (typeof API_TOKEN_SCOPES)[number][] };

const TokenView = z.object({
  id: z.string(),
  name: z.string(),
  scopes: z.array(Scope),
  createdBy: z.string().nullable(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
});

const idPipe = new ParseUUIDPipe({
  exceptionFactory: () =>
    ProblemException.unprocessable('id must be a UUID', [{ field: 'id', message: 'must be a UUID' }]),
});

/**
 * Integrator API tokens (administrators, not tokens themselves). Send a token as `Authorization: Bearer opk_…`;
 * scopes: `processes:read` (GET processes, tasks, entities, designs), `processes:write` (start and act on
 * processes), `designs:write` (import designs), `metrics:read` (`GET /metrics`, Prometheus).
 */
@ApiTags('api-tokens')
@ApiBearerAuth()
@AdminOnly()
@Controller('v1/api-tokens')
export class ApiTokensController {
  constructor(private readonly tokens: ApiTokensService) {}

  /** Live tokens: name, scopes, creator, created, last used (never the secret). */
  @Get()
  @ApiOkResponse({ schema: zodToOpenApi(z.array(TokenView), 'output') })
  list(): Promise<ApiTokenView[]> {
    return this.tokens.list();
  }

  /** Creates a token; the `token` in the answer is shown this once. */
  @Post()
  @HttpCode(201)
  @ApiBody({ schema: zodToOpenApi(CreateBody) })
  @ApiCreatedResponse({ schema: zodToOpenApi(TokenView.extend({ token: z.string() }), 'output') })
  create(
    @Body(new ZodPipe(CreateBody)) body: CreateBody,
    @CurrentOperator() operator: AuthenticatedOperator,
  ): Promise<CreatedApiToken> {
    return this.tokens.create(body.name, body.scopes, operator.key);
  }

  /** Revokes a token at once (its next request gets 401). */
  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Revoked' })
  revoke(@Param('id', idPipe) id: string): Promise<void> {
    return this.tokens.revoke(id);
  }
}
