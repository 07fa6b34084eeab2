import { Module } from '@nestjs/common';
import { ProcessesModule } from '../processes/processes.module';
import { TasksController } from './tasks.controller';

/** Task lists (`/tasks/mine`, `/tasks/pool`, `/entities/{type}/{id}/tasks`). */
@Module({ imports: [ProcessesModule], controllers: [TasksController] })
export class TasksModule {}
