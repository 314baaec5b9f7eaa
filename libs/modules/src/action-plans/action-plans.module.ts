import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EscalationsModule } from '../escalations/escalations.module';
import { InboxModule } from '../inbox/inbox.module';
import { ProjectsModule } from '../projects/projects.module';
import { TranchesModule } from '../tranches/tranches.module';
import { IndependenceModule } from '../independence/independence.module';
import { PlanRevisionsService } from './plan-revisions.service';
import { PrerequisitesService } from './prerequisites.service';
import { ActionItem } from './action-item.entity';
import { ActionLink } from './action-link.entity';
import { ActionPlansController } from './action-plans.controller';
import { ActionPlansService } from './action-plans.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([ActionItem, ActionLink]),
    ProjectsModule,
    TranchesModule,
    EscalationsModule,
    InboxModule,
    IndependenceModule,
  ],
  controllers: [ActionPlansController],
  providers: [ActionPlansService, PlanRevisionsService, PrerequisitesService],
  exports: [ActionPlansService, PlanRevisionsService],
})
export class ActionPlansModule {}
