import { Body, Controller, Get, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ZodPipe } from '../../infra/validation/zod-body.pipe';
import { AdminOnly } from '../auth/decorators/admin-only.decorator';
import { CurrentOperator, type AuthenticatedOperator } from '../auth/current-operator.decorator';
import type { AuthenticatedRequest } from '../auth/types/authenticated-operator.type';
import { RequireScope } from '../auth/decorators/scope.decorator';
import { DesignsService, type DesignFormat } from './designs.service';

const flag = z
  .enum(['true', 'false'])
  .default('false')
  .transform((v) => v === 'true');
const ImportQuery = z
  .object({ format: z.enum(['native', 'erpsys', 'erpsys-flat']).default('native'), force: flag, dryRun: flag })
  .strict();
const EntryPointsQuery = z.object({ entityType: z.string().min(1).optional() }).strict();

/** Design import (admins) and lookup. */
@ApiTags('designs')
@ApiBearerAuth()
@Controller('v1')
export class DesignsController {
  constructor(private readonly designs: DesignsService) {}

  @Post('designs')
  @RequireScope('designs:write')
  @AdminOnly()
  @ApiConsumes('application/json', 'application/yaml', 'text/yaml', 'text/plain')
  @ApiOperation({
    summary:
      'Import a design (?format=native|erpsys|erpsys-flat&dryRun=true|false&force=true|false) → {version, created, counts, changes, refusals}',
    description:
      'Refused with 422 when it would remove every rule or the entry point of a running journey, unless force=true. ' +
      'dryRun=true stores nothing and answers with what the import would add, change and remove.',
  })
  /**
   * Imports a design (administrators). Native designs may be sent as JSON or as YAML text
   * (`Content-Type: application/yaml`, `application/x-yaml`, `text/yaml` or `text/plain`).
   * @throws ProblemException 403 for non-admins; 422 / 409 from `DesignsService.import`.
   */
  import(
    @Query(new ZodPipe(ImportQuery)) q: { format: DesignFormat; force: boolean; dryRun: boolean },
    @Body() body: unknown,
    @CurrentOperator() op: AuthenticatedOperator,
    @Req() req: AuthenticatedRequest,
  ) {
    return this.designs.import(q.format, body, op.key, {
      force: q.force,
      dryRun: q.dryRun,
      byApiToken: req.apiToken !== undefined,
    });
  }

  @Get('designs/current')
  @RequireScope('processes:read')
  @ApiOperation({ summary: 'The current design: services, events, instructions, rules, roles, resource types' })
  /** The current design. @throws ProblemException 404 when none was imported. */
  current() {
    return this.designs.current();
  }

  @Get('entry-points')
  @RequireScope('processes:read')
  @ApiOperation({ summary: 'Services I may start by hand, optionally for one entity type' })
  /** Services the operator may start by hand, optionally for one entity type ([] without a design). */
  entryPoints(
    @Query(new ZodPipe(EntryPointsQuery)) q: { entityType?: string },
    @CurrentOperator() op: AuthenticatedOperator,
  ) {
    return this.designs.entryPoints(op, q.entityType);
  }
}
