import { Module } from '@nestjs/common';
import { OutboxModule } from '../../infra/outbox/outbox.module';
import { DesignsModule } from '../designs/designs.module';
import { ProcessesModule } from '../processes/processes.module';
import { DeckHandlers } from './deck-handlers';
import { DeckWorkers } from './deck-workers.service';
import { DECKS_OPTIONS, decksOptionsFromEnv } from './decks.options';
import { Guide } from './guide.service';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../infra/config/app-config';
import { QueueFactory, queuePrefix } from './queue-factory';
import { AuthModule } from '../auth/auth.module';
import { BoardSessions } from './board-session';
import { DeckBoard } from './deck-board.service';
import { DecksAdminController } from './decks-admin.controller';
import { DecksAdminService } from './decks-admin.service';
import { StagesController } from './stages.controller';
import { StagesRepository } from './stages.repository';
import { StagesService } from './stages.service';

/** Automated stages: queues on Redis or PostgreSQL, the Guide (dispatch, deck 0) and inline deck workers. */
@Module({
  imports: [ProcessesModule, DesignsModule, OutboxModule, AuthModule],
  providers: [
    {
      provide: QueueFactory,
      inject: [AppConfig, DataSource],
      useFactory: async (config: AppConfig, db: DataSource) =>
        new QueueFactory({
          redisUrl: config.redisUrl,
          databaseUrl: config.databaseUrl,
          prefix: await queuePrefix((sql) => db.query(sql)),
        }),
    },
    DeckHandlers,
    DeckWorkers,
    Guide,
    StagesRepository,
    StagesService,
    DecksAdminService,
    BoardSessions,
    DeckBoard,
    { provide: DECKS_OPTIONS, useFactory: () => decksOptionsFromEnv() },
  ],
  controllers: [StagesController, DecksAdminController],
  exports: [QueueFactory, DeckHandlers, DeckWorkers, Guide],
})
export class DecksModule {}
