import { Module } from '@nestjs/common';
import { RuntimeCalendarsModule } from '../calendars/runtime-calendars.module';
import { SchedulerModule } from '../scheduler/scheduler.module';
import { ResourcesController } from './resources.controller';
import { ResourcesRepository } from './resources.repository';
import { ResourcesService } from './resources.service';

/** Rooms and machines and their bookings (`/resources`, `/bookings`). */
@Module({
  imports: [SchedulerModule, RuntimeCalendarsModule],
  controllers: [ResourcesController],
  providers: [ResourcesService, ResourcesRepository],
})
export class ResourcesModule {}
