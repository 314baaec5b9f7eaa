import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IdParam } from '../common/params';
import type { Actor } from '../common/actor';
import { CurrentActor, Roles } from '../identity/auth.decorators';
import { CreateTrancheDto, RemainderDecisionDto, TrancheDecisionDto, TrancheQueryDto } from './dto';
import { RemainderDecisions } from './remainder-decisions.service';
import { TrancheCreation } from './tranche-creation.service';
import { TrancheDecisions } from './tranche-decisions.service';
import { TrancheReadModel } from './tranche-read-model';
import { REFERRED_VIEWS, TranchePageView, TrancheSummaryView, TrancheView } from './views.dto';

@ApiTags('tranches')
@ApiBearerAuth()
@ApiExtraModels(...REFERRED_VIEWS)
@Controller()
export class TranchesController {
  constructor(
    private readonly creation: TrancheCreation,
    private readonly decisions: TrancheDecisions,
    private readonly readModel: TrancheReadModel,
    private readonly remainders: RemainderDecisions,
  ) {}

  @Roles('pbo')
  @Post('projects/:id/tranches')
  @ApiOperation({ summary: "Create a tranche of a project's budget, gated by the action chain" })
  create(@CurrentActor() actor: Actor, @IdParam() projectId: string, @Body() dto: CreateTrancheDto): Promise<TrancheView> {
    return this.creation.create(actor, projectId, dto);
  }

  @Get('projects/:id/tranches')
  @ApiOperation({ summary: "A project's tranches, newest first, with what each waits on" })
  listOfProject(@IdParam() projectId: string): Promise<TrancheSummaryView[]> {
    return this.readModel.ofProject(projectId);
  }

  @Get('tranches')
  @ApiOperation({ summary: 'The release pipeline: tranches newest first, a page at a time (limit, after), by state, project or portfolio, with what each waits on' })
  list(@Query() query: TrancheQueryDto): Promise<TranchePageView> {
    return this.readModel.list(query);
  }

  @Get('tranches/:id')
  @ApiOperation({ summary: 'A tranche: funded and gating items, what it waits on, its history and ledger entry' })
  get(@IdParam() id: string): Promise<TrancheView> {
    return this.readModel.get(id);
  }

  @Roles('pbo')
  @Post('tranches/:id/decision')
  @ApiOperation({ summary: 'Approve, hold or reject a tranche awaiting approval (not by its creator)' })
  decide(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() dto: TrancheDecisionDto): Promise<TrancheView> {
    return this.decisions.decide(actor, id, dto);
  }

  @Roles('pbo')
  @Post('tranches/:id/remainder')
  @ApiOperation({
    summary: "Decide a lapsed tranche's remainder: carry it forward, return it to the budget, or extend the due date (not by its creator)",
  })
  decideRemainder(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() dto: RemainderDecisionDto): Promise<TrancheView> {
    return this.remainders.decide(actor, id, dto);
  }
}
