import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Portfolio } from './portfolio.entity';
import { PortfoliosRepository } from './portfolios.repository';
import { PortfoliosService } from './portfolios.service';
import { ProjectAgency } from './project-agency.entity';
import { ProjectWritesService } from './project-writes.service';
import { Project } from './project.entity';
import { ProjectsController } from './projects.controller';
import { ProjectsRepository } from './projects.repository';
import { ProjectsService } from './projects.service';

@Module({
  imports: [TypeOrmModule.forFeature([Portfolio, Project, ProjectAgency])],
  controllers: [ProjectsController],
  providers: [PortfoliosRepository, ProjectsRepository, ProjectsService, PortfoliosService, ProjectWritesService],
  exports: [ProjectsService],
})
export class ProjectsModule {}
