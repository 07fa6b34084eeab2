import { Module } from '@nestjs/common';
import { DesignsModule } from '../designs/designs.module';
import { SchedulerModule } from '../scheduler/scheduler.module';
import { CalendarsController } from './calendars.controller';
import { CalendarsService } from './calendars.service';
import { RuntimeCalendarsModule } from './runtime-calendars.module';

/** Business calendars and leaves over REST (`/calendars`, admin). */
@Module({
  imports: [RuntimeCalendarsModule, DesignsModule, SchedulerModule],
  controllers: [CalendarsController],
  providers: [CalendarsService],
})
export class CalendarsModule {}
