import { Module } from '@nestjs/common';
import { ExpressionsModule } from '../../infra/expressions/expressions.module';
import { DesignsModule } from '../designs/designs.module';
import { ProcessesModule } from '../processes/processes.module';
import { EventsController } from './events.controller';
import { EventsService } from './events.service';
import { InboundEventsRepository } from './inbound-events.repository';

/** The event ring: `POST /events`, event triggers, the list of received events. */
@Module({
  imports: [ProcessesModule, DesignsModule, ExpressionsModule],
  controllers: [EventsController],
  providers: [EventsService, InboundEventsRepository],
})
export class EventsModule {}
