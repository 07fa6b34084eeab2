import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ProcessStagesSchema } from '@opkernel/contracts';
import { SafeIdPipe } from '../../infra/validation/safe-id.pipe';
import { zodToOpenApi } from '../../infra/validation/zod-openapi.util';
import { CurrentOperator, type AuthenticatedOperator } from '../auth/current-operator.decorator';
import { RequireScope } from '../auth/decorators/scope.decorator';
import { StagesService } from './stages.service';

const pidPipe = new SafeIdPipe('pid');

/** The automation run of a system process: `GET /processes/{pid}/stages` (read policy first). */
@ApiTags('processes')
@ApiBearerAuth()
@Controller('v1/processes')
export class StagesController {
  constructor(private readonly stages: StagesService) {}

  /** @throws ProblemException 404 (missing or not readable), 403 (customers), 422 (bad pid) */
  @RequireScope('processes:read')
  @Get(':pid/stages')
  @ApiOperation({ summary: 'The automation run of a system process: steps, attempts (deck, worker, times), failure' })
  @ApiOkResponse({ schema: zodToOpenApi(ProcessStagesSchema, 'output') })
  of(@Param('pid', pidPipe) pid: number, @CurrentOperator() op: AuthenticatedOperator) {
    return this.stages.of(pid, op);
  }
}
