import { Module } from '@nestjs/common';
import { RuntimeCalendarsModule } from '../calendars/runtime-calendars.module';
import { DesignRegistry } from './design-registry.service';
import { DesignsController } from './designs.controller';
import { DesignsService } from './designs.service';

/** Design import and lookup; exports the version registry (kernel `DesignSource`) and the service. */
@Module({
  imports: [RuntimeCalendarsModule],
  controllers: [DesignsController],
  providers: [DesignRegistry, DesignsService],
  exports: [DesignRegistry, DesignsService],
})
export class DesignsModule {}
