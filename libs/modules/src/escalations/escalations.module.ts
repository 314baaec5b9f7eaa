import { Module } from '@nestjs/common';
import { InboxModule } from '../inbox/inbox.module';
import { TranchesModule } from '../tranches/tranches.module';
import { IndependenceModule } from '../independence/independence.module';
import { EscalationActivitiesImpl } from './escalation.activities';
import { EscalationDecisions } from './escalation-decisions';
import { EscalationSchedule } from './escalation-schedule';
import { EscalationSweep } from './escalation-sweep';
import { EscalationSweepRepository } from './escalation-sweep.repository';
import { EscalationsController } from './escalations.controller';
import { EscalationsRepository } from './escalations.repository';
import { EscalationsService } from './escalations.service';
import { StageCaseSweepRepository } from './stage-case-sweep.repository';

@Module({
  imports: [InboxModule, TranchesModule, IndependenceModule],
  controllers: [EscalationsController],
  providers: [
    EscalationsRepository,
    EscalationSweepRepository,
    StageCaseSweepRepository,
    EscalationsService,
    EscalationDecisions,
    EscalationSweep,
    EscalationSchedule,
    EscalationActivitiesImpl,
  ],
  exports: [EscalationsService, EscalationSweep, EscalationSchedule, EscalationActivitiesImpl],
})
export class EscalationsModule {}
