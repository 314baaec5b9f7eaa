import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IdParam } from '../common/params';
import type { Actor } from '../common/actor';
import { CurrentActor, Roles } from '../identity/auth.decorators';
import { CreateTrancheDto, TrancheDecisionDto, TrancheQueryDto } from './dto';
import { TranchesService } from './tranches.service';

@ApiTags('tranches')
@ApiBearerAuth()
@Controller()
export class TranchesController {
  constructor(private readonly tranches: TranchesService) {}

  @Roles('pbo')
  @Post('projects/:id/tranches')
  @ApiOperation({ summary: "Create a tranche of a project's budget, gated by the action chain" })
  create(@CurrentActor() actor: Actor, @IdParam() projectId: string, @Body() dto: CreateTrancheDto) {
    return this.tranches.create(actor, projectId, dto);
  }

  @Get('projects/:id/tranches')
  listOfProject(@IdParam() projectId: string) {
    return this.tranches.list({ projectId });
  }

  @Get('tranches')
  @ApiOperation({ summary: 'The release pipeline: tranches by state with what each waits on' })
  list(@Query() query: TrancheQueryDto) {
    return this.tranches.list(query);
  }

  @Get('tranches/:id')
  @ApiOperation({ summary: 'A tranche: funded and gating items, what it waits on, its history and ledger entry' })
  get(@IdParam() id: string) {
    return this.tranches.get(id);
  }

  @Roles('pbo')
  @Post('tranches/:id/decision')
  @ApiOperation({ summary: 'Approve, hold or reject a tranche awaiting approval (not by its creator)' })
  decide(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() dto: TrancheDecisionDto) {
    return this.tranches.decide(actor, id, dto);
  }
}
