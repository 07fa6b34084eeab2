import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/decorators/public.decorator';
import { HealthService, type HealthStatus } from './health.service';

/** `GET /api/health` (public). */
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  /** Liveness and database reachability; no token needed. */
  @Public()
  @Get()
  @ApiOkResponse({
    schema: {
      type: 'object',
      properties: {
        status: { type: 'string', enum: ['ok'] },
        database: { type: 'string', enum: ['up'] },
        queue: { type: 'string', enum: ['redis', 'postgres'] },
      },
    },
  })
  @ApiServiceUnavailableResponse({ description: 'Database down (problem+json)' })
  check(): Promise<HealthStatus> {
    return this.health.check();
  }
}
