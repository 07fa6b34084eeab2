import { Module } from '@nestjs/common';
import { CalendarsRepository } from './calendars.repository';
import { RuntimeCalendars } from './runtime-calendars.service';

/** The runtime calendars the scheduler reads (the design registry lays them over each design version). */
@Module({
  providers: [CalendarsRepository, RuntimeCalendars],
  exports: [CalendarsRepository, RuntimeCalendars],
})
export class RuntimeCalendarsModule {}
