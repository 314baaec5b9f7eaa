import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/actor';
import { IdParam } from '../common/params';
import { CurrentActor, Roles } from '../identity/auth.decorators';
import { ChallengesService } from './challenges.service';
import {
  ChallengeView,
  ClaimAnswerDto,
  DeclareChallengeDto,
  ProposeSolutionDto,
  ReportSpendingDto,
  SolutionTextDto,
  SpendingView,
} from './dto';

@ApiTags('challenges')
@ApiBearerAuth()
@Controller()
export class ChallengesController {
  constructor(private readonly challenges: ChallengesService) {}

  @Roles('agency')
  @Post('projects/:id/challenges')
  @ApiOperation({ summary: 'Declare a challenge on the project; naming another agency as its cause makes it a claim' })
  declare(@CurrentActor() actor: Actor, @IdParam() projectId: string, @Body() dto: DeclareChallengeDto): Promise<ChallengeView> {
    return this.challenges.declare(actor, projectId, dto);
  }

  @Get('projects/:id/challenges')
  @ApiOperation({ summary: "The project's challenges, newest first, with their items and solutions" })
  list(@IdParam() projectId: string): Promise<ChallengeView[]> {
    return this.challenges.list(projectId);
  }

  @Get('challenges/:id')
  @ApiOperation({ summary: 'One challenge; a budget challenge shows the money released to its agency and not yet reported spent' })
  get(@IdParam() id: string): Promise<ChallengeView> {
    return this.challenges.get(id);
  }

  @Roles('agency')
  @Get('claims')
  @ApiOperation({ summary: "Claims naming the caller's agency as the cause of another agency's challenge" })
  claims(@CurrentActor() actor: Actor): Promise<ChallengeView[]> {
    return this.challenges.claimsAgainst(actor);
  }

  @Roles('agency')
  @Post('challenges/:id/claim-answer')
  @HttpCode(200)
  @ApiOperation({ summary: 'The named agency accepts or disputes a claim, with a reason' })
  answer(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() dto: ClaimAnswerDto): Promise<ChallengeView> {
    return this.challenges.answerClaim(actor, id, dto);
  }

  @Roles('agency', 'committee')
  @Post('solutions')
  @ApiOperation({ summary: 'Propose a solution; it must name the challenge it answers' })
  solution(@CurrentActor() actor: Actor, @Body() dto: ProposeSolutionDto): Promise<ChallengeView> {
    return this.challenges.proposeSolution(actor, dto);
  }

  @Roles('agency', 'committee')
  @Post('challenges/:id/solutions')
  @ApiOperation({ summary: 'Propose a solution to this challenge' })
  solutionOf(@CurrentActor() actor: Actor, @IdParam() challengeId: string, @Body() dto: SolutionTextDto): Promise<ChallengeView> {
    return this.challenges.proposeSolution(actor, { challengeId, description: dto.description });
  }

  @Roles('agency')
  @Post('tranches/:id/spending')
  @ApiOperation({ summary: "Report spending against a tranche released to the caller's agency" })
  spending(@CurrentActor() actor: Actor, @IdParam() trancheId: string, @Body() dto: ReportSpendingDto): Promise<SpendingView> {
    return this.challenges.reportSpending(actor, trancheId, dto);
  }
}
