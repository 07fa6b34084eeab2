import { Module } from '@nestjs/common';
import { DesignsModule } from '../designs/designs.module';
import { ProcessesModule } from '../processes/processes.module';
import { AvailabilityController } from './availability.controller';
import { AvailabilityService } from './availability.service';
import { ExplanationsRepository } from './explanations.repository';
import { OperatorStateRepository } from './operator-state.repository';
import { SchedulerController } from './scheduler.controller';
import { SchedulerService } from './scheduler.service';

/** The scheduler's REST surface: get next, assignment explanations, presence and availability. */
@Module({
  imports: [ProcessesModule, DesignsModule],
  controllers: [SchedulerController, AvailabilityController],
  providers: [SchedulerService, ExplanationsRepository, AvailabilityService, OperatorStateRepository],
})
export class SchedulerModule {}
