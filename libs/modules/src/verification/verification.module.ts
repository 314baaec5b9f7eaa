import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IdentityModule } from '../identity/identity.module';
import { IndependenceModule } from '../independence/independence.module';
import { EvidenceBlob, EvidenceFile } from './evidence-file.entity';
import { EvidenceService } from './evidence.service';
import { EvidenceStore, PostgresEvidenceStore } from './evidence-store';
import { ProgressDeclaration } from './progress-declaration.entity';
import { VerificationController } from './verification.controller';
import { VerificationDecision } from './verification-decision.entity';
import { VerificationService } from './verification.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([ProgressDeclaration, VerificationDecision, EvidenceFile, EvidenceBlob]),
    IdentityModule,
    IndependenceModule,
  ],
  controllers: [VerificationController],
  providers: [VerificationService, EvidenceService, { provide: EvidenceStore, useClass: PostgresEvidenceStore }],
  exports: [VerificationService, EvidenceService],
})
export class VerificationModule {}
