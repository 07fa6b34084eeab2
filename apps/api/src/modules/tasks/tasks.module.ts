import { Module } from '@nestjs/common';
import { ProcessesModule } from '../processes/processes.module';
import { TasksController } from './tasks.controller';

@Module({ imports: [ProcessesModule], controllers: [TasksController] })
export class TasksModule {}
