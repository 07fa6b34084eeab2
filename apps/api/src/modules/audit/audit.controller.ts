import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ZodPipe } from '../../infra/validation/zod-body.pipe';
import { AdminOnly } from '../auth/decorators/admin-only.decorator';
import { AuditService, type AuditVerification } from './audit.service';

const VerifyQuery = z.object({ pid: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional() }).strict();

/** `GET /api/v1/audit/verify[?pid=]` (administrators): recomputes the audit hash chains. */
@ApiTags('audit')
@ApiBearerAuth()
@AdminOnly()
@Controller('v1/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  /** Recomputes every process's audit hash chain (or one process's) and names the first broken row. */
  @Get('verify')
  @ApiOperation({ summary: 'Verify the tamper-evident audit trail → {ok, rows, firstBroken: {pid, id} | null}' })
  @ApiOkResponse({
    schema: {
      type: 'object',
      properties: {
        ok: { type: 'boolean' },
        rows: { type: 'integer' },
        firstBroken: {
          type: 'object',
          nullable: true,
          properties: { pid: { type: 'integer' }, id: { type: 'integer' } },
        },
      },
    },
  })
  verify(@Query(new ZodPipe(VerifyQuery)) q: { pid?: number }): Promise<AuditVerification> {
    return this.audit.verify(q.pid);
  }
}
