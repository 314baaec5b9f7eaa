import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/actor';
import { InvalidInput } from '../common/errors';
import { IdParam } from '../common/params';
import { CurrentActor, Roles } from '../identity/auth.decorators';
import { ActionPlansService } from './action-plans.service';
import { ActionPlanDto, AddPrerequisiteDto, PlanRevisionDecisionDto, ProgressQueryDto, ProposePlanRevisionDto } from './dto';
import { PlanFilingService } from './plan-filing.service';
import { PlanHistoryService } from './plan-history.service';
import { PlanProgressService } from './plan-progress.service';
import { PlanRevisionsService } from './plan-revisions.service';
import { ActionItemView, ActionPlanView, PrerequisitesView, ProjectProgressView } from './plan-views.dto';
import { PrerequisitesService } from './prerequisites.service';
import { RevisionDecisionsService } from './revision-decisions.service';
import { RevisionProposalsService } from './revision-proposals.service';
import { BaselineSummaryView, BaselineView, PlanRevisionSummaryView, PlanRevisionView } from './revision-views.dto';

const baselineNumber = new ParseIntPipe({ exceptionFactory: () => InvalidInput.field('number', 'must be a whole number') });

@ApiTags('action plans')
@ApiBearerAuth()
@Controller()
export class ActionPlansController {
  constructor(
    private readonly plans: ActionPlansService,
    private readonly filing: PlanFilingService,
    private readonly progressOf: PlanProgressService,
    private readonly revisions: PlanRevisionsService,
    private readonly proposals: RevisionProposalsService,
    private readonly decisions: RevisionDecisionsService,
    private readonly history: PlanHistoryService,
    private readonly prerequisites: PrerequisitesService,
  ) {}

  @Get('projects/:id/action-plan')
  getPlan(@IdParam() id: string): Promise<ActionPlanView> {
    return this.plans.getPlan(id);
  }

  @Roles('agency', 'admin')
  @Put('projects/:id/action-plan')
  @ApiOperation({
    summary: "File the project's action plan: items (weights sum to 100) and links forming an acyclic action chain",
  })
  replacePlan(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() dto: ActionPlanDto): Promise<ActionPlanView> {
    return this.filing.replacePlan(actor, id, dto);
  }

  @Get('projects/:id/progress')
  @ApiOperation({ summary: 'Verified, declared and planned progress of the project and of each agency' })
  progress(@IdParam() id: string, @Query() query: ProgressQueryDto): Promise<ProjectProgressView> {
    return this.progressOf.progress(id, query.at ? new Date(query.at) : undefined);
  }

  @Get('items/:id')
  getItem(@IdParam() id: string): Promise<ActionItemView> {
    return this.plans.getItem(id);
  }

  @Roles('agency', 'admin')
  @Post('projects/:id/plan-revisions')
  @ApiOperation({ summary: "Propose a revision of the project's action plan (the whole revised plan, with a reason)" })
  proposeRevision(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() dto: ProposePlanRevisionDto): Promise<PlanRevisionView> {
    return this.proposals.propose(actor, id, dto);
  }

  @Get('projects/:id/plan-revisions')
  listRevisions(@IdParam() id: string): Promise<PlanRevisionSummaryView[]> {
    return this.revisions.list(id);
  }

  @Get('plan-revisions/:id')
  @ApiOperation({ summary: 'A plan revision with its before/after diff' })
  getRevision(@IdParam() id: string): Promise<PlanRevisionView> {
    return this.revisions.get(id);
  }

  @Roles('committee')
  @Post('plan-revisions/:id/decision')
  @HttpCode(200)
  @ApiOperation({ summary: 'Approve (→ next baseline, pending tranches re-gated) or reject a plan revision' })
  decideRevision(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() dto: PlanRevisionDecisionDto): Promise<PlanRevisionView> {
    return this.decisions.decide(actor, id, dto);
  }

  @Get('projects/:id/baselines')
  @ApiOperation({ summary: "The project's numbered plan baselines; every earlier one stays readable" })
  baselines(@IdParam() id: string): Promise<BaselineSummaryView[]> {
    return this.history.baselines(id);
  }

  @Get('projects/:id/baselines/:number')
  baseline(@IdParam() id: string, @Param('number', baselineNumber) number: number): Promise<BaselineView> {
    return this.history.baseline(id, number);
  }

  @Get('items/:id/prerequisites')
  listPrerequisites(@IdParam() id: string): Promise<PrerequisitesView> {
    return this.prerequisites.list(id);
  }

  @Roles('agency', 'admin')
  @Post('items/:id/prerequisites')
  @ApiOperation({ summary: 'Make an item of another project a prerequisite of this item (gates tranches; cycles refused)' })
  addPrerequisite(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() dto: AddPrerequisiteDto): Promise<PrerequisitesView> {
    return this.prerequisites.add(actor, id, dto.requiredItemId);
  }

  @Roles('agency', 'admin')
  @Delete('items/:id/prerequisites/:requiredItemId')
  removePrerequisite(
    @CurrentActor() actor: Actor,
    @IdParam() id: string,
    @IdParam('requiredItemId') requiredItemId: string,
  ): Promise<PrerequisitesView> {
    return this.prerequisites.remove(actor, id, requiredItemId);
  }
}
