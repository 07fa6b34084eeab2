import { Module } from '@nestjs/common';
import { ExpressionsModule } from '../../infra/expressions/expressions.module';
import { OutboxModule } from '../../infra/outbox/outbox.module';
import { AuditModule } from '../audit/audit.module';
import { DesignsModule } from '../designs/designs.module';
import { FormValidator } from './form-validator.service';
import { IdempotencyInterceptor } from './idempotency/idempotency.interceptor';
import { IdempotencyService } from './idempotency/idempotency.service';
import { CommandViews } from './command-views';
import { OperatorNames } from './persistence/operator-names';
import { OperatorViews } from './persistence/operator-views';
import { ProcessReadRepository } from './persistence/process-read.repository';
import { ProcessCommands } from './process-commands.service';
import { ProcessQueries } from './process-queries.service';
import { ProcessReadPolicy } from './process-read.policy';
import { RunWait } from './run-wait';
import { ProcessesController } from './processes.controller';
import { ProcessesService } from './processes.service';

/** Process commands and queries, the read policy, and `Idempotency-Key` support for the commands. */
@Module({
  imports: [AuditModule, DesignsModule, OutboxModule, ExpressionsModule],
  controllers: [ProcessesController],
  providers: [
    RunWait,
    ProcessCommands,
    OperatorViews,
    OperatorNames,
    CommandViews,
    ProcessQueries,
    ProcessReadRepository,
    ProcessReadPolicy,
    ProcessesService,
    FormValidator,
    IdempotencyService,
    IdempotencyInterceptor,
  ],
  exports: [
    ProcessQueries,
    ProcessReadRepository,
    ProcessCommands,
    ProcessReadPolicy,
    OperatorViews,
    OperatorNames,
    CommandViews,
    IdempotencyService,
    IdempotencyInterceptor,
  ],
})
export class ProcessesModule {}
