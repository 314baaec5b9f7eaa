import { Module, OnModuleInit } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditController } from './audit.controller';
import { AuditActorInterceptor } from './audit.interceptor';
import { attachAuditActorToSessions } from './audit-session';
import { AuditService } from './audit.service';

/**
 * The append-only, hash-chained audit log of every state change. Database triggers write it (see
 * migration 1732500000000); this module makes each database session name the acting user, and
 * serves the log and its verification to admins.
 */
@Module({
  controllers: [AuditController],
  providers: [AuditService, { provide: APP_INTERCEPTOR, useClass: AuditActorInterceptor }],
  exports: [AuditService],
})
export class AuditModule implements OnModuleInit {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  onModuleInit(): void {
    attachAuditActorToSessions(this.db);
  }
}
