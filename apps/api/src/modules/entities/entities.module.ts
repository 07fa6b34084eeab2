import { Module } from '@nestjs/common';
import { ProcessesModule } from '../processes/processes.module';
import { EntitiesController } from './entities.controller';
import { EntitySearchRepository } from './entity-search.repository';

/** Business entities: search (`GET /entities?q=`); an entity's processes are in the tasks module. */
@Module({ imports: [ProcessesModule], controllers: [EntitiesController], providers: [EntitySearchRepository] })
export class EntitiesModule {}
