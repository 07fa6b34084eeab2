import { Module } from '@nestjs/common';
import { OutboxModule } from '../../infra/outbox/outbox.module';
import { DesignsModule } from '../designs/designs.module';
import { ProcessesModule } from '../processes/processes.module';
import { TaskContextRepository } from './task-context.repository';
import { TaskContextService } from './task-context.service';
import { TaskDraftsRepository } from './task-drafts.repository';
import { TaskDraftsService } from './task-drafts.service';
import { StaffController, TaskPageController } from './task-page.controller';

/** What the task page needs beyond the process itself: drafts, earlier steps with prefill, requested steps, staff. */
@Module({
  imports: [DesignsModule, OutboxModule, ProcessesModule],
  controllers: [TaskPageController, StaffController],
  providers: [TaskDraftsRepository, TaskDraftsService, TaskContextRepository, TaskContextService],
})
export class TaskPageModule {}
