import { Body, Controller, Get, HttpCode, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IdParam } from '../common/params';
import type { Actor } from '../common/actor';
import { CurrentActor, Roles } from '../identity/auth.decorators';
import { CreatePortfolioDto, CreateProjectDto, PortfolioMonitoringDto, ProjectQueryDto, SetBudgetDto } from './dto';
import { ProjectsService } from './projects.service';

@ApiTags('projects')
@ApiBearerAuth()
@Controller()
export class ProjectsController {
  constructor(private readonly projects: ProjectsService) {}

  @Get('portfolios')
  listPortfolios() {
    return this.projects.listPortfolios();
  }

  @Get('portfolios/:id')
  getPortfolio(@IdParam() id: string) {
    return this.projects.getPortfolio(id);
  }

  @Roles('pbo', 'admin')
  @Post('portfolios')
  createPortfolio(@Body() dto: CreatePortfolioDto) {
    return this.projects.createPortfolio(dto);
  }

  @Roles('admin')
  @Post('portfolios/:id/monitoring')
  @HttpCode(200)
  @ApiOperation({ summary: "Pause or resume monitoring of a portfolio, with a reason (published with the portfolio)" })
  setMonitoring(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() dto: PortfolioMonitoringDto) {
    return this.projects.setMonitoring(actor, id, dto);
  }

  @Get('projects')
  listProjects(@Query() query: ProjectQueryDto) {
    return this.projects.listProjects(query);
  }

  @Get('projects/:id')
  getProject(@IdParam() id: string) {
    return this.projects.getProject(id);
  }

  @Roles('pbo', 'admin')
  @Post('projects')
  @ApiOperation({ summary: 'Register a project with its lead and collaborating agencies' })
  createProject(@Body() dto: CreateProjectDto) {
    return this.projects.createProject(dto);
  }

  @Roles('pbo')
  @Put('projects/:id/budget')
  @ApiOperation({ summary: 'Set the project budget (whole rials); never below what its tranches commit' })
  setBudget(@IdParam() id: string, @Body() dto: SetBudgetDto) {
    return this.projects.setBudget(id, dto);
  }
}
