import { Module } from '@nestjs/common';
import { IdentityModule } from '../identity/identity.module';
import { IndependenceModule } from '../independence/independence.module';
import { DeclarationsRepository } from './declarations.repository';
import { EvidenceRepository } from './evidence.repository';
import { EvidenceService } from './evidence.service';
import { EvidenceStore, PostgresEvidenceStore } from './evidence-store';
import { AppealsRepository } from './appeals.repository';
import { AppealsService } from './appeals.service';
import { FieldChecksRepository } from './field-checks.repository';
import { FieldChecksService } from './field-checks.service';
import { SamplesRepository } from './samples.repository';
import { SamplesService } from './samples.service';
import { PublicVerificationController, TrustController } from './trust.controller';
import { VerificationController } from './verification.controller';
import { VerificationRepository } from './verification.repository';
import { VerificationService } from './verification.service';
import { VerifiedProgress } from './verified-progress';

@Module({
  imports: [IdentityModule, IndependenceModule],
  controllers: [VerificationController, TrustController, PublicVerificationController],
  providers: [
    VerificationService,
    VerificationRepository,
    VerifiedProgress,
    SamplesService,
    SamplesRepository,
    FieldChecksService,
    FieldChecksRepository,
    AppealsService,
    AppealsRepository,
    DeclarationsRepository,
    EvidenceService,
    EvidenceRepository,
    { provide: EvidenceStore, useClass: PostgresEvidenceStore },
  ],
  exports: [VerificationService, EvidenceService],
})
export class VerificationModule {}
