import { DynamicModule, Module } from '@nestjs/common';
import { ActionPlansModule } from './action-plans/action-plans.module';
import { AuditModule } from './audit/audit.module';
import { ChallengesModule } from './challenges/challenges.module';
import { CommitteeModule } from './committee/committee.module';
import { CommonModule } from './common/common.module';
import { ConfigModule } from './config';
import { DatabaseModule } from './database';
import { DemoDataModule } from './demo-data/demo-data.module';
import { EscalationsModule } from './escalations/escalations.module';
import { InboxModule } from './inbox/inbox.module';
import { HealthModule } from './health/health.module';
import { IdentityModule } from './identity/identity.module';
import { LedgerModule } from './ledger/ledger.module';
import { MailModule } from './mail/mail.module';
import { OutboxModule } from './outbox/outbox.module';
import { PortalModule } from './portal/portal.module';
import { ProjectsModule } from './projects/projects.module';
import { SpreadsheetsModule } from './spreadsheets/spreadsheets.module';
import { TemporalModule } from './temporal';
import { TranchesModule } from './tranches/tranches.module';
import { VerificationModule } from './verification/verification.module';
import { WebhooksModule } from './webhooks/webhooks.module';

/** Every domain module of Pelekan, wired to one database and one Temporal namespace. */
@Module({})
export class PelekanModule {
  static forRoot(env: Record<string, string | undefined> = {}): DynamicModule {
    return {
      module: PelekanModule,
      imports: [
        ConfigModule.forRoot(env),
        DatabaseModule.forRoot(),
        CommonModule,
        TemporalModule,
        OutboxModule,
        IdentityModule,
        ProjectsModule,
        ActionPlansModule,
        VerificationModule,
        TranchesModule,
        LedgerModule,
        InboxModule,
        EscalationsModule,
        ChallengesModule,
        CommitteeModule,
        PortalModule,
        SpreadsheetsModule,
        AuditModule,
        HealthModule,
        DemoDataModule,
        WebhooksModule,
        MailModule,
      ],
    };
  }
}
