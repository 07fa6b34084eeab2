import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { EntitySearchResultSchema, type EntitySearchResult } from '@opkernel/contracts';
import { PagedQueryPipe } from '../../infra/validation/paged-query.pipe';
import { zodToOpenApi } from '../../infra/validation/zod-openapi.util';
import { CurrentOperator, type AuthenticatedOperator } from '../auth/current-operator.decorator';
import { RequireScope } from '../auth/decorators/scope.decorator';
import { ProcessReadPolicy } from '../processes/process-read.policy';
import { EntitySearchRepository } from './entity-search.repository';

/** Hits of one search: used when `limit` is absent, and the largest accepted. */
export const SEARCH_LIMIT = { default: 20, max: 50 } as const;

/** `GET /entities` query; any bad field is a 400 naming it. */
const SearchQuery = z.object({
  q: z.string().trim().min(1, 'must not be empty').max(100),
  type: z.string().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(SEARCH_LIMIT.max).default(SEARCH_LIMIT.default),
});
type SearchQueryDto = z.output<typeof SearchQuery>;

/** Business entities (customers): search by name or by what their forms hold (phone …). */
@ApiTags('entities')
@ApiBearerAuth()
@RequireScope('processes:read')
@Controller('v1')
export class EntitiesController {
  constructor(
    private readonly policy: ProcessReadPolicy,
    private readonly search: EntitySearchRepository,
  ) {}

  /**
   * Entities whose label — or a value in the form data of one of their processes (a phone number) — contains `q`,
   * case-insensitive (form values from 3 characters on); only entities with a process the reader may read, and form
   * values only of services whose forms they may see. Label matches first.
   * @throws ProblemException 400 naming `q`, `type` or `limit` when bad; 403 for customers.
   */
  @Get('entities')
  @ApiOperation({ summary: 'Find customers (entities) by name or by a form value such as a phone number' })
  @ApiQuery({ name: 'q', required: true, schema: { type: 'string', minLength: 1, maxLength: 100 } })
  @ApiQuery({ name: 'type', required: false, schema: { type: 'string' }, description: 'only this entity type' })
  @ApiQuery({
    name: 'limit',
    required: false,
    schema: { type: 'integer', minimum: 1, maximum: SEARCH_LIMIT.max, default: SEARCH_LIMIT.default },
  })
  @ApiOkResponse({ schema: zodToOpenApi(EntitySearchResultSchema, 'output') })
  @ApiBadRequestResponse({ description: 'bad `q`, `type` or `limit` (problem+json naming the field)' })
  async find(
    @Query(new PagedQueryPipe(SearchQuery, ['q', 'type', 'limit'])) q: SearchQueryDto,
    @CurrentOperator() op: AuthenticatedOperator,
  ): Promise<EntitySearchResult> {
    const scope = await this.policy.scope(op);
    return { items: await this.search.search(scope, q) };
  }
}
