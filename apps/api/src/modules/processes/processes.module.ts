import { Module } from '@nestjs/common';
import { OutboxModule } from '../../infra/outbox/outbox.module';
import { DesignsModule } from '../designs/designs.module';
import { FormValidator } from './form-validator.service';
import { ProcessCommands } from './process-commands.service';
import { ProcessQueries } from './process-queries.service';
import { ProcessesController } from './processes.controller';
import { ProcessesService } from './processes.service';

@Module({
  imports: [DesignsModule, OutboxModule],
  controllers: [ProcessesController],
  providers: [ProcessCommands, ProcessQueries, ProcessesService, FormValidator],
  exports: [ProcessQueries, ProcessCommands],
})
export class ProcessesModule {}
