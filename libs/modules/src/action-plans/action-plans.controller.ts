import { Body, Controller, Get, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IdParam } from '../common/params';
import type { Actor } from '../common/actor';
import { CurrentActor, Roles } from '../identity/auth.decorators';
import { ActionPlansService } from './action-plans.service';
import { ActionPlanDto, ProgressQueryDto } from './dto';

@ApiTags('action plans')
@ApiBearerAuth()
@Controller()
export class ActionPlansController {
  constructor(private readonly plans: ActionPlansService) {}

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
}
