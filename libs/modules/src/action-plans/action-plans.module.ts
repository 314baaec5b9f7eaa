import { Module } from '@nestjs/common';
import { EscalationsModule } from '../escalations/escalations.module';
import { InboxModule } from '../inbox/inbox.module';
import { IndependenceModule } from '../independence/independence.module';
import { ProjectsModule } from '../projects/projects.module';
import { TranchesModule } from '../tranches/tranches.module';
import { ActionItemsRepository } from './action-items.repository';
import { ActionLinksRepository } from './action-links.repository';
import { ActionPlansController } from './action-plans.controller';
import { ActionPlansService } from './action-plans.service';
import { PlanBaselinesRepository } from './plan-baselines.repository';
import { PlanChecks } from './plan-checks.service';
import { PlanFilingService } from './plan-filing.service';
import { PlanGraph } from './plan-graph.service';
import { PlanHistoryService } from './plan-history.service';
import { PlanProgressService } from './plan-progress.service';
import { PlanProjectsRepository } from './plan-projects.repository';
import { PlanRevisionsRepository } from './plan-revisions.repository';
import { PlanRevisionsService } from './plan-revisions.service';
import { PlanSnapshots } from './plan-snapshots.service';
import { PrerequisitesService } from './prerequisites.service';
import { RevisionDecisionsService } from './revision-decisions.service';
import { RevisionProposalsService } from './revision-proposals.service';

@Module({
  imports: [
    ProjectsModule,
    TranchesModule,
    EscalationsModule,
    InboxModule,
    IndependenceModule,
  ],
  controllers: [ActionPlansController],
  providers: [
    ActionItemsRepository,
    ActionLinksRepository,
    PlanProjectsRepository,
    PlanRevisionsRepository,
    PlanBaselinesRepository,
    PlanGraph,
    PlanSnapshots,
    PlanChecks,
    ActionPlansService,
    PlanFilingService,
    PlanProgressService,
    PlanRevisionsService,
    RevisionProposalsService,
    RevisionDecisionsService,
    PlanHistoryService,
    PrerequisitesService,
  ],
  exports: [ActionPlansService, PlanFilingService, PlanRevisionsService, RevisionProposalsService, PlanChecks],
})
export class ActionPlansModule {}
