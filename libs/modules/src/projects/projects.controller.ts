import { Body, Controller, Get, HttpCode, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IdParam } from '../common/params';
import type { Actor } from '../common/actor';
import { CurrentActor, Roles } from '../identity/auth.decorators';
import {
  CreatePortfolioDto,
  CreateProjectDto,
  PortfolioMonitoringDto,
  PortfolioSummaryView,
  PortfolioView,
  ProjectPageView,
  ProjectQueryDto,
  ProjectView,
  SetBudgetDto,
} from './dto';
import { PortfoliosService } from './portfolios.service';
import { ProjectWritesService } from './project-writes.service';
import { ProjectsService } from './projects.service';

@ApiTags('projects')
@ApiBearerAuth()
@Controller()
export class ProjectsController {
  constructor(
    private readonly portfolios: PortfoliosService,
    private readonly projects: ProjectsService,
    private readonly writes: ProjectWritesService,
  ) {}

  @Get('portfolios')
  listPortfolios(): Promise<PortfolioSummaryView[]> {
    return this.portfolios.listPortfolios();
  }

  @Get('portfolios/:id')
  getPortfolio(@IdParam() id: string): Promise<PortfolioView> {
    return this.portfolios.getPortfolio(id);
  }

  @Roles('pbo', 'admin')
  @Post('portfolios')
  createPortfolio(@Body() dto: CreatePortfolioDto): Promise<PortfolioView> {
    return this.portfolios.createPortfolio(dto);
  }

  @Roles('admin')
  @Post('portfolios/:id/monitoring')
  @HttpCode(200)
  @ApiOperation({ summary: "Pause or resume monitoring of a portfolio, with a reason (published with the portfolio)" })
  setMonitoring(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() dto: PortfolioMonitoringDto): Promise<PortfolioView> {
    return this.portfolios.setMonitoring(actor, id, dto);
  }

  @Get('projects')
  @ApiOperation({ summary: 'Projects by portfolio and code, a page at a time (limit, after), of a portfolio or a lead agency' })
  listProjects(@Query() query: ProjectQueryDto): Promise<ProjectPageView> {
    return this.projects.listProjects(query);
  }

  @Get('projects/:id')
  getProject(@IdParam() id: string): Promise<ProjectView> {
    return this.projects.getProject(id);
  }

  @Roles('pbo', 'admin')
  @Post('projects')
  @ApiOperation({ summary: 'Register a project with its lead and collaborating agencies' })
  createProject(@Body() dto: CreateProjectDto): Promise<ProjectView> {
    return this.writes.createProject(dto);
  }

  @Roles('pbo')
  @Put('projects/:id/budget')
  @ApiOperation({ summary: 'Set the project budget (whole rials); never below what its tranches commit' })
  setBudget(@IdParam() id: string, @Body() dto: SetBudgetDto): Promise<ProjectView> {
    return this.writes.setBudget(id, dto);
  }
}
