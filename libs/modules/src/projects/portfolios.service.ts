import { Injectable } from '@nestjs/common';
import type { Actor } from '../common/actor';
import { Conflict, NotFound } from '../common/errors';
import { Database } from '../database/database';
import { CreatePortfolioDto, PortfolioMonitoringDto, PortfolioSummaryView, PortfolioView } from './dto';
import { PortfoliosRepository } from './portfolios.repository';
import { ProjectsService } from './projects.service';

/** Portfolios: named sets of projects approved together, and the pausing of their monitoring. */
@Injectable()
export class PortfoliosService {
  constructor(
    private readonly db: Database,
    private readonly repository: PortfoliosRepository,
    private readonly projects: ProjectsService,
  ) {}

  async listPortfolios(): Promise<PortfolioSummaryView[]> {
    return this.repository.portfolioSummaries(this.db.reader);
  }

  async getPortfolio(id: string): Promise<PortfolioView> {
    const m = this.db.reader;
    const portfolio = await this.repository.portfolio(m, id);
    if (!portfolio) throw new NotFound('portfolio', id);
    const [projects, monitoringHistory] = await Promise.all([
      this.projects.projectsOf(id),
      this.repository.monitoringHistory(m, id),
    ]);
    return { ...portfolio, monitoringHistory, projects };
  }

  async createPortfolio(dto: CreatePortfolioDto): Promise<PortfolioView> {
    const id = await this.db.transaction(async (tx) => {
      if (await this.repository.portfolioCodeTaken(tx, dto.code)) {
        throw new Conflict(`a portfolio with code ${dto.code} already exists`, 'duplicate_code');
      }
      return this.repository.insertPortfolio(tx, { code: dto.code, nameFa: dto.nameFa, nameEn: dto.nameEn, maxProjects: dto.maxProjects ?? null });
    });
    return this.getPortfolio(id);
  }

  /**
   * An admin pauses or resumes monitoring of a portfolio, with a reason. While paused its items are not
   * escalated; the pause, its date and reason are part of the portfolio's public record.
   */
  async setMonitoring(actor: Actor, id: string, dto: PortfolioMonitoringDto): Promise<PortfolioView> {
    await this.db.transaction(async (tx) => {
      const portfolio = await this.repository.lockPortfolio(tx, id);
      if (!portfolio) throw new NotFound('portfolio', id);
      const paused = portfolio.monitoringPausedAt !== null;
      if (dto.action === 'pause' && paused) throw new Conflict('monitoring of this portfolio is already paused', 'already_paused');
      if (dto.action === 'resume' && !paused) throw new Conflict('monitoring of this portfolio is not paused', 'not_paused');
      if (dto.action === 'pause') await this.repository.pauseMonitoring(tx, id, dto.reason, actor.userId);
      else await this.repository.resumeMonitoring(tx, id);
      await this.repository.addMonitoringEvent(tx, id, dto.action, dto.reason, actor.userId);
    });
    return this.getPortfolio(id);
  }
}
