import { Injectable } from '@nestjs/common';
import { budgetChangeRefusal, committedRials, parseRials } from '@pelekan/core';
import { Conflict, InvalidInput, NotFound } from '../common/errors';
import { Database } from '../database/database';
import { CreateProjectDto, ProjectView, SetBudgetDto } from './dto';
import { PortfoliosRepository } from './portfolios.repository';
import { ProjectsRepository } from './projects.repository';
import { ProjectsService } from './projects.service';

/** Registering projects and setting their budgets. */
@Injectable()
export class ProjectWritesService {
  constructor(
    private readonly db: Database,
    private readonly repository: ProjectsRepository,
    private readonly portfolios: PortfoliosRepository,
    private readonly projects: ProjectsService,
  ) {}

  async createProject(dto: CreateProjectDto): Promise<ProjectView> {
    const id = await this.db.transaction(async (tx) => {
      const portfolio = await this.portfolios.lockPortfolio(tx, dto.portfolioId);
      if (!portfolio) throw InvalidInput.field('portfolioId', `portfolio ${dto.portfolioId} does not exist`);
      if (portfolio.maxProjects !== null && (await this.repository.projectCount(tx, portfolio.id)) >= portfolio.maxProjects) {
        throw new Conflict(`portfolio ${portfolio.code} is capped at ${portfolio.maxProjects} projects`, 'portfolio_full');
      }
      if (await this.repository.projectCodeTaken(tx, portfolio.id, dto.code)) {
        throw new Conflict(`portfolio ${portfolio.code} already has a project ${dto.code}`, 'duplicate_code');
      }
      const collaborators = (dto.collaboratingAgencyIds ?? []).filter((a) => a !== dto.leadAgencyId);
      const known = new Set(await this.repository.existingOrganizations(tx, [dto.leadAgencyId, ...collaborators]));
      if (!known.has(dto.leadAgencyId)) {
        throw InvalidInput.field('leadAgencyId', `organization ${dto.leadAgencyId} does not exist`);
      }
      const missing = collaborators.filter((c) => !known.has(c));
      if (missing.length) {
        throw InvalidInput.field('collaboratingAgencyIds', `unknown organizations: ${missing.join(', ')}`);
      }
      const projectId = await this.repository.insertProject(tx, {
        portfolioId: portfolio.id,
        code: dto.code,
        nameFa: dto.nameFa,
        nameEn: dto.nameEn,
        leadAgencyId: dto.leadAgencyId,
        budgetRials: dto.budgetRials === undefined ? null : parseRials(dto.budgetRials),
      });
      await this.repository.insertProjectAgencies(tx, projectId, [
        { organizationId: dto.leadAgencyId, role: 'lead' },
        ...collaborators.map((c) => ({ organizationId: c, role: 'collaborating' as const })),
      ]);
      return projectId;
    });
    return this.projects.getProject(id);
  }

  /** The budget may not fall below what the project's tranches already commit (core budget rule). */
  async setBudget(id: string, dto: SetBudgetDto): Promise<ProjectView> {
    const budget = parseRials(dto.budgetRials);
    await this.db.transaction(async (tx) => {
      const project = await this.repository.project(tx, id, { lock: true });
      if (!project) throw new NotFound('project', id);
      const refusal = budgetChangeRefusal(budget, committedRials(await this.repository.trancheAmounts(tx, id)));
      if (refusal) throw InvalidInput.field('budgetRials', refusal);
      await this.repository.setBudget(tx, id, budget);
    });
    return this.projects.getProject(id);
  }
}
