import { Module } from '@nestjs/common';
import { OutboxModule } from '../../infra/outbox/outbox.module';
import { DesignsModule } from '../designs/designs.module';
import { ProcessesModule } from '../processes/processes.module';
import { AvailabilityController } from './availability.controller';
import { AvailabilityService } from './availability.service';
import { SchedulerDispatcher } from './dispatcher.service';
import { ExplanationsRepository } from './explanations.repository';
import { LanesRepository } from './lanes.repository';
import { OperatorStateRepository } from './operator-state.repository';
import { SchedulerController } from './scheduler.controller';
import { SchedulerService } from './scheduler.service';

/** The scheduler's REST surface (get next, explanations, presence, availability) and push distribution. */
@Module({
  imports: [ProcessesModule, DesignsModule, OutboxModule],
  controllers: [SchedulerController, AvailabilityController],
  providers: [
    SchedulerService,
    ExplanationsRepository,
    LanesRepository,
    AvailabilityService,
    OperatorStateRepository,
    SchedulerDispatcher,
  ],
  exports: [SchedulerDispatcher],
})
export class SchedulerModule {}
