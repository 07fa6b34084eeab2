import {
  DynamicModule,
  Inject,
  Injectable,
  Logger,
  MiddlewareConsumer,
  Module,
  NestModule,
  OnApplicationShutdown,
  RequestMethod,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AppConfig } from './infra/config/app-config';
import { ConfigModule } from './infra/config/config.module';
import { DatabaseModule } from './infra/database/database.module';
import type { EmbeddedPostgresHandle } from './infra/database/embedded-postgres';
import { OutboxModule } from './infra/outbox/outbox.module';
import { ProblemModule } from './infra/problem/problem.module';
import { RevocationModule } from './infra/revocation/revocation.module';
import { InputSafetyMiddleware } from './infra/validation/input-safety.middleware';
import { ApiTokensModule } from './modules/api-tokens/api-tokens.module';
import { AuditModule } from './modules/audit/audit.module';
import { AuthModule } from './modules/auth/auth.module';
import { HealthModule } from './modules/health/health.module';
import { LiveModule } from './modules/live/live.module';
import { OperatorsModule } from './modules/operators/operators.module';
import { DesignsModule } from './modules/designs/designs.module';
import { ProcessesModule } from './modules/processes/processes.module';
import { TasksModule } from './modules/tasks/tasks.module';
import { EntitiesModule } from './modules/entities/entities.module';
import { SchedulerModule } from './modules/scheduler/scheduler.module';
import { ResourcesModule } from './modules/resources/resources.module';
import { CalendarsModule } from './modules/calendars/calendars.module';
import { ClockModule } from './infra/clock/clock.module';
import { TimersModule } from './modules/timers/timers.module';
import { TaskPageModule } from './modules/task-page/task-page.module';
import { MetricsModule } from './modules/metrics/metrics.module';
import { DecksModule } from './modules/decks/decks.module';
import { EventsModule } from './modules/events/events.module';
import { SchedulesModule } from './modules/schedules/schedules.module';

/** DI token of the embedded PostgreSQL handle (null with an external `DATABASE_URL`). */
export const EMBEDDED_POSTGRES = Symbol('EMBEDDED_POSTGRES');

/** Stops the embedded PostgreSQL (if any) once the connection pool is closed, whoever closes the app. */
@Injectable()
class EmbeddedPostgresLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(EMBEDDED_POSTGRES) private readonly embedded: EmbeddedPostgresHandle | null,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** Closes the pool (if still open), then stops embedded PostgreSQL; a no-op with an external database. */
  async onApplicationShutdown(): Promise<void> {
    if (!this.embedded) return;
    if (this.dataSource.isInitialized) {
      await this.dataSource.destroy().catch((error: unknown) => new Logger('App').warn(String(error)));
    }
    await this.embedded.stop();
  }
}

/** Root module; built by `createApp` once the configuration is resolved. */
@Module({})
export class AppModule implements NestModule {
  /** The global input rule ({@link InputSafetyMiddleware}) on every route under `/api`. */
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(InputSafetyMiddleware).forRoutes({ path: '*path', method: RequestMethod.ALL });
  }

  /** The application module for `config`, owning `embedded` (null with an external `DATABASE_URL`). */
  static forRoot(config: AppConfig, embedded: EmbeddedPostgresHandle | null): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule,
        ProblemModule,
        RevocationModule,
        OutboxModule,
        MetricsModule,
        AuthModule,
        ApiTokensModule,
        AuditModule,
        OperatorsModule,
        HealthModule,
        LiveModule,
        DesignsModule,
        ProcessesModule,
        TasksModule,
        TaskPageModule,
        EntitiesModule,
        SchedulerModule,
        ResourcesModule,
        CalendarsModule,
        ClockModule,
        TimersModule.forRoot(),
        DecksModule,
        EventsModule,
        SchedulesModule,
      ],
      providers: [{ provide: EMBEDDED_POSTGRES, useValue: embedded }, EmbeddedPostgresLifecycle],
    };
  }
}
