import { Module } from '@nestjs/common';
import { DatabaseModule } from '../../infra/database/database.module';
import { AuthModule } from '../auth/auth.module';
import { DesignsModule } from '../designs/designs.module';
import { OperatorsController } from './operators.controller';
import { OperatorsService } from './operators.service';

/** `GET /api/v1/operators`, password, roles, lock/unlock (administrators). */
@Module({
  imports: [DatabaseModule, AuthModule, DesignsModule],
  controllers: [OperatorsController],
  providers: [OperatorsService],
})
export class OperatorsModule {}
