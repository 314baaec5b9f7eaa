import { Logger, Module, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { AppConfig, durationMs } from '../config';
import { AuditController } from './audit.controller';
import { AuditActorInterceptor } from './audit.interceptor';
import { AuditRepository } from './audit.repository';
import { AuditService } from './audit.service';

/**
 * The append-only, hash-chained audit log of every state change. Database triggers write it (see
 * migration 1732500000000), reading the acting user that `Database.transaction` sets with SET LOCAL; this module seals the
 * chain's head with AUDIT_KEY every AUDIT_SEAL_INTERVAL, and serves the log and its verification to admins.
 */
@Module({
  controllers: [AuditController],
  providers: [AuditService, AuditRepository, { provide: APP_INTERCEPTOR, useClass: AuditActorInterceptor }],
  exports: [AuditService],
})
export class AuditModule implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Audit');
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => {
      this.audit.seal().catch((e) => this.logger.warn(`sealing the audit chain: ${(e as Error).message}`));
    }, durationMs(this.config.AUDIT_SEAL_INTERVAL));
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }
}
