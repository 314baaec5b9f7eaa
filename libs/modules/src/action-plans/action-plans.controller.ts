import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IdParam } from '../common/params';
import type { Actor } from '../common/actor';
import { CurrentActor, Roles } from '../identity/auth.decorators';
import { ActionPlansService } from './action-plans.service';
import {
  ActionPlanDto,
  AddPrerequisiteDto,
  PlanRevisionDecisionDto,
  ProgressQueryDto,
  ProposePlanRevisionDto,
} from './dto';
import { PlanRevisionsService } from './plan-revisions.service';
import { InvalidInput } from '../common/errors';

const baselineNumber = new ParseIntPipe({ exceptionFactory: () => InvalidInput.field('number', 'must be a whole number') });
import { PrerequisitesService } from './prerequisites.service';

@ApiTags('action plans')
@ApiBearerAuth()
@Controller()
export class ActionPlansController {
  constructor(
    private readonly plans: ActionPlansService,
    private readonly revisions: PlanRevisionsService,
    private readonly prerequisites: PrerequisitesService,
  ) {}

  @Get('projects/:id/action-plan')
  getPlan(@IdParam() id: string) {
    return this.plans.getPlan(id);
  }

  @Roles('agency', 'admin')
  @Put('projects/:id/action-plan')
  @ApiOperation({
    summary: "File the project's action plan: items (weights sum to 100) and links forming an acyclic action chain",
  })
  replacePlan(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() dto: ActionPlanDto) {
    return this.plans.replacePlan(actor, id, dto);
  }

  @Get('projects/:id/progress')
  @ApiOperation({ summary: 'Verified, declared and planned progress of the project and of each agency' })
  progress(@IdParam() id: string, @Query() query: ProgressQueryDto) {
    return this.plans.progress(id, query.at ? new Date(query.at) : undefined);
  }

  @Get('items/:id')
  getItem(@IdParam() id: string) {
    return this.plans.getItem(id);
  }

  @Roles('agency', 'admin')
  @Post('projects/:id/plan-revisions')
  @ApiOperation({ summary: "Propose a revision of the project's action plan (the whole revised plan, with a reason)" })
  proposeRevision(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() dto: ProposePlanRevisionDto) {
    return this.revisions.propose(actor, id, dto);
  }

  @Get('projects/:id/plan-revisions')
  listRevisions(@IdParam() id: string) {
    return this.revisions.list(id);
  }

  @Get('plan-revisions/:id')
  @ApiOperation({ summary: 'A plan revision with its before/after diff' })
  getRevision(@IdParam() id: string) {
    return this.revisions.get(id);
  }

  @Roles('committee')
  @Post('plan-revisions/:id/decision')
  @HttpCode(200)
  @ApiOperation({ summary: 'Approve (→ next baseline, pending tranches re-gated) or reject a plan revision' })
  decideRevision(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() dto: PlanRevisionDecisionDto) {
    return this.revisions.decide(actor, id, dto);
  }

  @Get('projects/:id/baselines')
  @ApiOperation({ summary: "The project's numbered plan baselines; every earlier one stays readable" })
  baselines(@IdParam() id: string) {
    return this.revisions.baselines(id);
  }

  @Get('projects/:id/baselines/:number')
  baseline(@IdParam() id: string, @Param('number', baselineNumber) number: number) {
    return this.revisions.baseline(id, number);
  }

  @Get('items/:id/prerequisites')
  listPrerequisites(@IdParam() id: string) {
    return this.prerequisites.list(id);
  }

  @Roles('agency', 'admin')
  @Post('items/:id/prerequisites')
  @ApiOperation({ summary: 'Make an item of another project a prerequisite of this item (gates tranches; cycles refused)' })
  addPrerequisite(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() dto: AddPrerequisiteDto) {
    return this.prerequisites.add(actor, id, dto.requiredItemId);
  }

  @Roles('agency', 'admin')
  @Delete('items/:id/prerequisites/:requiredItemId')
  removePrerequisite(@CurrentActor() actor: Actor, @IdParam() id: string, @IdParam('requiredItemId') requiredItemId: string) {
    return this.prerequisites.remove(actor, id, requiredItemId);
  }
}
