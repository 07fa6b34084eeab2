import { Module } from '@nestjs/common';
import { DatabaseModule } from '../../infra/database/database.module';
import { AuthModule } from '../auth/auth.module';
import { OperatorsController } from './operators.controller';
import { OperatorsService } from './operators.service';

/** `GET /api/v1/operators`, `PUT /api/v1/operators/:id/password` (administrators). */
@Module({
  imports: [DatabaseModule, AuthModule],
  controllers: [OperatorsController],
  providers: [OperatorsService],
})
export class OperatorsModule {}
