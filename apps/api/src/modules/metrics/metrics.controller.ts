import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { AdminOnly } from '../auth/decorators/admin-only.decorator';
import { RequireScope } from '../auth/decorators/scope.decorator';
import { MetricsService } from './metrics.service';

/** Path of the metrics route, at the root (outside the `/api` prefix, where Prometheus looks by default). */
export const METRICS_PATH = 'metrics';

/**
 * `GET /metrics`: Prometheus text exposition format, for an API token with the scope `metrics:read` or an
 * administrator's login; 401 without a token, 403 for anyone else (problem+json).
 */
@ApiTags('metrics')
@ApiBearerAuth()
@Controller(METRICS_PATH)
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  /** Every metric, its scrape-time gauges read now. */
  @Get()
  @RequireScope('metrics:read')
  @AdminOnly()
  @Header('Cache-Control', 'no-store')
  @ApiProduces('text/plain')
  @ApiOkResponse({
    description: 'Prometheus text exposition format 0.0.4',
    content: { 'text/plain': { schema: { type: 'string' } } },
  })
  @ApiUnauthorizedResponse({ description: 'No or an invalid token (problem+json)' })
  async scrape(@Res({ passthrough: true }) res: { setHeader(name: string, value: string): void }): Promise<string> {
    const text = await this.metrics.scrape();
    res.setHeader('Content-Type', this.metrics.contentType);
    return text;
  }
}
