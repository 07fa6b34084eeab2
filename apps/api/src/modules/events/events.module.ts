import { Module } from '@nestjs/common';
import { ExpressionsModule } from '../../infra/expressions/expressions.module';
import { DecksModule } from '../decks/decks.module';
import { DesignsModule } from '../designs/designs.module';
import { ProcessesModule } from '../processes/processes.module';
import { EventsController } from './events.controller';
import { EventsService } from './events.service';
import { InboundEventsRepository } from './inbound-events.repository';
import { KernelEventsConsumer } from './kernel-events.consumer';

/** The event ring: `POST /events`, the `kernel-events` queue, event triggers, the list of received events. */
@Module({
  imports: [ProcessesModule, DesignsModule, ExpressionsModule, DecksModule],
  controllers: [EventsController],
  providers: [EventsService, InboundEventsRepository, KernelEventsConsumer],
})
export class EventsModule {}
