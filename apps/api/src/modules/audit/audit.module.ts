import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { AuditController } from './audit.controller';
import { AuditTrailRepository } from './audit-trail.repository';
import { AuditService } from './audit.service';

/** The audit trail's hash-chain verification (`GET /api/v1/audit/verify`). */
@Module({
  imports: [AuthModule],
  controllers: [AuditController],
  providers: [AuditService, AuditTrailRepository],
  exports: [AuditTrailRepository],
})
export class AuditModule {}
