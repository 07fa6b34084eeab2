import { Module } from '@nestjs/common';
import { OutboxModule } from '../../infra/outbox/outbox.module';
import { AuthModule } from '../auth/auth.module';
import { DesignsModule } from '../designs/designs.module';
import { ProcessesModule } from '../processes/processes.module';
import { LiveAccessPolicy } from './live-access.policy';
import { LiveOutboxHandler } from './live-outbox.handler';
import { LiveGateway } from './live.gateway';

/** Live updates over socket.io (`/live`), fed by the outbox. */
@Module({
  imports: [AuthModule, DesignsModule, OutboxModule, ProcessesModule],
  providers: [LiveGateway, LiveAccessPolicy, LiveOutboxHandler],
  exports: [LiveGateway, LiveAccessPolicy],
})
export class LiveModule {}
