import { Global, MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { OutboxModule } from '../../infra/outbox/outbox.module';
import { DatabaseMetrics } from './database.metrics';
import { HttpMetricsMiddleware } from './http-metrics.middleware';
import { MetricsController } from './metrics.controller';
import { MetricsRepository } from './metrics.repository';
import { MetricsService } from './metrics.service';
import { ProcessChangeMetrics } from './process-change.metrics';

/**
 * Prometheus metrics: `GET /metrics`, the HTTP latency histogram, counters from `process.changed`, gauges read
 * from PostgreSQL on scrape. Global: any module injects {@link MetricsService} to add its own metrics.
 */
@Global()
@Module({
  imports: [OutboxModule],
  controllers: [MetricsController],
  providers: [MetricsService, MetricsRepository, DatabaseMetrics, ProcessChangeMetrics],
  exports: [MetricsService],
})
export class MetricsModule implements NestModule {
  /** Times every route ({@link HttpMetricsMiddleware}). */
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes({ path: '*path', method: RequestMethod.ALL });
  }
}
