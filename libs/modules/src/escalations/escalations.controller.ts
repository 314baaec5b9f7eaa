import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/actor';
import { IdParam } from '../common/params';
import { CurrentActor, Roles } from '../identity/auth.decorators';
import { CommitteeHolds } from '../tranches/committee-holds';
import { HoldLiftedView } from '../tranches/views.dto';
import {
  CaseDecisionDto,
  CaseDetailView,
  CasePageView,
  CaseQueryDto,
  CaseResponseDto,
  LiftHoldDto,
  ScheduleView,
  SweepsView,
  SweepTriggeredView,
} from './dto';
import { EscalationDecisions } from './escalation-decisions';
import { EscalationSchedule } from './escalation-schedule';
import { EscalationsService } from './escalations.service';

@ApiTags('escalations')
@ApiBearerAuth()
@Controller()
export class EscalationsController {
  constructor(
    private readonly escalations: EscalationsService,
    private readonly decisions: EscalationDecisions,
    private readonly schedule: EscalationSchedule,
    private readonly holds: CommitteeHolds,
  ) {}

  @Get('escalations')
  @ApiOperation({ summary: 'Escalation cases (live by default), highest level first, a page at a time (limit, after); agencies see their own items' })
  list(@CurrentActor() actor: Actor, @Query() query: CaseQueryDto): Promise<CasePageView> {
    return this.escalations.list(actor, query);
  }

  @Roles('committee', 'pbo', 'admin')
  @Get('escalations/sweeps')
  @ApiOperation({ summary: 'Recent sweeps: when each ran, items examined, cases opened, climbed and resolved' })
  sweeps(): Promise<SweepsView> {
    return this.escalations.sweeps();
  }

  @Roles('admin')
  @Post('escalations/sweeps')
  @HttpCode(202)
  @ApiOperation({ summary: 'Run a sweep now through the escalation schedule (besides the periodic ones)' })
  sweepNow(): Promise<SweepTriggeredView> {
    return this.schedule.triggerNow();
  }

  @Roles('admin')
  @Get('escalations/schedule')
  @ApiOperation({ summary: 'The Temporal schedule of the sweep: period, next and recent runs' })
  describeSchedule(): Promise<ScheduleView> {
    return this.schedule.describe();
  }

  @Get('escalations/:id')
  @ApiOperation({ summary: 'One escalation case with its history and the holds placed for it' })
  get(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<CaseDetailView> {
    return this.escalations.get(actor, id);
  }

  @Roles('committee')
  @Post('escalations/:id/decision')
  @HttpCode(200)
  @ApiOperation({ summary: 'Committee decision: extend the due date, require a revision, hold tranches, accept the justification' })
  decide(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() dto: CaseDecisionDto): Promise<CaseDetailView> {
    return this.decisions.decide(actor, id, dto);
  }

  @Roles('agency')
  @Post('escalations/:id/response')
  @HttpCode(200)
  @ApiOperation({ summary: "The owner agency's answer to an escalation of its item" })
  respond(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() dto: CaseResponseDto): Promise<CaseDetailView> {
    return this.escalations.respond(actor, id, dto);
  }

  @Roles('committee')
  @Post('holds/:id/lift')
  @HttpCode(200)
  @ApiOperation({ summary: "Lift a committee hold on a project's tranches (a committee decision: independent members only)" })
  async liftHold(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() dto: LiftHoldDto): Promise<HoldLiftedView> {
    const lifted = await this.holds.lift(actor, id, dto.reason);
    return {
      id: lifted.id,
      projectId: lifted.projectId,
      lifted: lifted.lifted,
      activeHolds: lifted.activeHolds.map((h) => ({
        id: h.id,
        projectId: h.projectId,
        caseId: h.caseId,
        reason: h.reason,
        placedAt: h.placedAt,
        placedBy: h.placedBy,
      })),
    };
  }
}
