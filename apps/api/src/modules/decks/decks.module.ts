import { Module } from '@nestjs/common';
import { OutboxModule } from '../../infra/outbox/outbox.module';
import { DesignsModule } from '../designs/designs.module';
import { ProcessesModule } from '../processes/processes.module';
import { DeckHandlers } from './deck-handlers';
import { DeckWorkers } from './deck-workers.service';
import { DECKS_OPTIONS, decksOptionsFromEnv } from './decks.options';
import { Guide } from './guide.service';
import { QueueFactory } from './queue-factory';
import { StagesController } from './stages.controller';
import { StagesRepository } from './stages.repository';
import { StagesService } from './stages.service';

/** Automated stages: queues on Redis or PostgreSQL, the Guide (dispatch, deck 0) and inline deck workers. */
@Module({
  imports: [ProcessesModule, DesignsModule, OutboxModule],
  providers: [
    QueueFactory,
    DeckHandlers,
    DeckWorkers,
    Guide,
    StagesRepository,
    StagesService,
    { provide: DECKS_OPTIONS, useFactory: () => decksOptionsFromEnv() },
  ],
  controllers: [StagesController],
  exports: [QueueFactory, DeckHandlers, DeckWorkers, Guide],
})
export class DecksModule {}
