import { Module } from '@nestjs/common';
import { InboxModule } from '../inbox/inbox.module';
import { TranchesModule } from '../tranches/tranches.module';
import { IndependenceModule } from '../independence/independence.module';
import { EscalationActivitiesImpl } from './escalation.activities';
import { EscalationSchedule } from './escalation-schedule';
import { EscalationSweep } from './escalation-sweep';
import { EscalationsController } from './escalations.controller';
import { EscalationsService } from './escalations.service';

@Module({
  imports: [InboxModule, TranchesModule, IndependenceModule],
  controllers: [EscalationsController],
  providers: [EscalationsService, EscalationSweep, EscalationSchedule, EscalationActivitiesImpl],
  exports: [EscalationsService, EscalationSweep, EscalationSchedule, EscalationActivitiesImpl],
})
export class EscalationsModule {}
