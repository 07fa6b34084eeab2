import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { AuditController } from './audit.controller';
import { AuditService } from './audit.service';

/** The audit trail's hash-chain verification (`GET /api/v1/audit/verify`). */
@Module({ imports: [AuthModule], controllers: [AuditController], providers: [AuditService] })
export class AuditModule {}
