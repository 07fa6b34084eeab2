import { Module } from '@nestjs/common';
import { DecksModule } from '../decks/decks.module';
import { DesignsModule } from '../designs/designs.module';
import { ProcessesModule } from '../processes/processes.module';
import { ScheduleFirer } from './schedule-firer.service';
import { ScheduleFiresRepository } from './schedule-fires.repository';
import { ScheduleReconciler } from './schedule-reconciler.service';
import { SchedulesController } from './schedules.controller';
import { SchedulesService } from './schedules.service';

/** Recurring schedules: BullMQ job schedulers kept in step with the design, their fires, `GET /schedules`. */
@Module({
  imports: [ProcessesModule, DesignsModule, DecksModule],
  controllers: [SchedulesController],
  providers: [ScheduleFiresRepository, ScheduleFirer, ScheduleReconciler, SchedulesService],
})
export class SchedulesModule {}
