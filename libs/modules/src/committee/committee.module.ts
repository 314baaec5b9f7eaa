import { Module } from '@nestjs/common';
import { ActionPlansModule } from '../action-plans/action-plans.module';
import { EscalationsModule } from '../escalations/escalations.module';
import { VerificationModule } from '../verification/verification.module';
import { CommitteeController } from './committee.controller';
import { CommitteeRepository, StageClocksRepository } from './committee.repository';
import { CommitteeService } from './committee.service';

@Module({
  imports: [VerificationModule, EscalationsModule, ActionPlansModule],
  controllers: [CommitteeController],
  providers: [CommitteeRepository, StageClocksRepository, CommitteeService],
})
export class CommitteeModule {}
