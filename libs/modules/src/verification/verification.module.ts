import { Module } from '@nestjs/common';
import { IdentityModule } from '../identity/identity.module';
import { IndependenceModule } from '../independence/independence.module';
import { DeclarationsRepository } from './declarations.repository';
import { EvidenceRepository } from './evidence.repository';
import { EvidenceService } from './evidence.service';
import { EvidenceStore, PostgresEvidenceStore } from './evidence-store';
import { VerificationController } from './verification.controller';
import { VerificationRepository } from './verification.repository';
import { VerificationService } from './verification.service';

@Module({
  imports: [IdentityModule, IndependenceModule],
  controllers: [VerificationController],
  providers: [
    VerificationService,
    VerificationRepository,
    DeclarationsRepository,
    EvidenceService,
    EvidenceRepository,
    { provide: EvidenceStore, useClass: PostgresEvidenceStore },
  ],
  exports: [VerificationService, EvidenceService],
})
export class VerificationModule {}
