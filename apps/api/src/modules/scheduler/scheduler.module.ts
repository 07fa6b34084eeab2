import { Module } from '@nestjs/common';
import { DesignsModule } from '../designs/designs.module';
import { ProcessesModule } from '../processes/processes.module';
import { ExplanationsRepository } from './explanations.repository';
import { SchedulerController } from './scheduler.controller';
import { SchedulerService } from './scheduler.service';

/** The scheduler's REST surface: get next and assignment explanations. */
@Module({
  imports: [ProcessesModule, DesignsModule],
  controllers: [SchedulerController],
  providers: [SchedulerService, ExplanationsRepository],
})
export class SchedulerModule {}
