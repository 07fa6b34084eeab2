import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { ApiTokensController } from './api-tokens.controller';
import { ApiTokensService } from './api-tokens.service';

/** `GET|POST /api/v1/api-tokens`, `DELETE /api/v1/api-tokens/{id}` (administrators). */
@Module({ imports: [AuthModule], controllers: [ApiTokensController], providers: [ApiTokensService] })
export class ApiTokensModule {}
