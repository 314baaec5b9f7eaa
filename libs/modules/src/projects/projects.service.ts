import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { committedRials, isStale, pageOf } from '@pelekan/core';
import type { Actor } from '../common/actor';
import { Forbidden, NotFound } from '../common/errors';
import { pageRequest } from '../common/paging.dto';
import { AppConfig, durationMs } from '../config';
import { Database } from '../database/database';
import { ProjectPageView, ProjectQueryDto, ProjectSummaryView, ProjectView } from './dto';
import { ProjectAgencyRole } from './project-agency.entity';
import { Project } from './project.entity';
import { PortfoliosRepository } from './portfolios.repository';
import { ProjectsRepository, ProjectSummaryRow } from './projects.repository';

/**
 * Reading projects, and who may act on one. Finding 10: every project carries the time of its last
 * verified update and is stale when it has had none for longer than STALE_AFTER (core `isStale`).
 */
@Injectable()
export class ProjectsService {
  private readonly staleAfterMs: number;

  constructor(
    private readonly db: Database,
    private readonly repository: ProjectsRepository,
    private readonly portfolios: PortfoliosRepository,
    config: AppConfig,
  ) {
    this.staleAfterMs = durationMs(config.STALE_AFTER);
  }

  /** Projects by portfolio and then by code ("2-1" before "10"), a page at a time, of one portfolio and/or lead agency. */
  async listProjects(query: ProjectQueryDto): Promise<ProjectPageView> {
    const { limit, after } = pageRequest(query, 'projects', ['uuid', 'text', 'uuid']);
    const found = await this.repository.projectSummaries(
      this.db.reader,
      { portfolioId: query.portfolioId, leadAgencyId: query.leadAgencyId },
      limit + 1,
      after && [String(after[0]), String(after[1]), String(after[2])],
    );
    const page = pageOf(found, limit, 'projects', (p) => [p.portfolioId, p.code, p.id]);
    const now = new Date();
    return { items: page.items.map((r) => this.summaryView(r, now)), next: page.next };
  }

  /** Every project of the portfolio, by code (a portfolio's own page). */
  async projectsOf(portfolioId: string): Promise<ProjectSummaryView[]> {
    const found = await this.repository.projectSummaries(this.db.reader, { portfolioId }, null, null);
    const now = new Date();
    return found.map((r) => this.summaryView(r, now));
  }

  /**
   * The project, or 404. Inside a transaction pass its manager (`lock` takes the row FOR UPDATE:
   * projects come first in the lock order).
   */
  async requireProject(id: string, manager?: EntityManager, options: { lock?: boolean } = {}): Promise<Project> {
    const project = await this.repository.project(manager ?? this.db.reader, id, options);
    if (!project) throw new NotFound('project', id);
    return project;
  }

  /** Project codes by id, one query for the lot. */
  codesOf(ids: readonly string[]): Promise<Map<string, string>> {
    return this.repository.codes(this.db.reader, ids);
  }

  async getProject(id: string): Promise<ProjectView> {
    const m = this.db.reader;
    const project = await this.requireProject(id, m);
    const [portfolio, agencies, tranches, lastVerifiedAt] = await Promise.all([
      this.portfolios.portfolioRef(m, project.portfolioId),
      this.repository.projectAgencies(m, id),
      this.repository.trancheAmounts(m, id),
      this.repository.lastVerifiedAt(m, id),
    ]);
    if (!portfolio) throw new NotFound('portfolio', project.portfolioId);
    const lead = agencies.find((a) => a.role === 'lead');
    const released = tranches.reduce((sum, t) => sum + t.releasedRials, 0n);
    return {
      id: project.id,
      portfolioId: project.portfolioId,
      code: project.code,
      nameFa: project.nameFa,
      nameEn: project.nameEn,
      leadAgencyId: project.leadAgencyId,
      budgetRials: project.budgetRials === null ? null : project.budgetRials.toString(),
      confidential: project.confidential,
      synthetic: project.synthetic,
      reported: project.reported,
      repeats: project.repeats,
      collaboratorsNoteEn: project.collaboratorsNoteEn,
      portfolio: { id: portfolio.id, code: portfolio.code, nameFa: portfolio.nameFa, nameEn: portfolio.nameEn },
      leadAgency: lead ? { id: lead.id, code: lead.code, nameFa: lead.nameFa, nameEn: lead.nameEn } : null,
      agencies: agencies.map((a) => ({ id: a.id, code: a.code, nameFa: a.nameFa, nameEn: a.nameEn, role: a.role, noteEn: a.noteEn })),
      committedRials: committedRials(tranches).toString(),
      releasedRials: released.toString(),
      lastVerifiedAt,
      stale: isStale(lastVerifiedAt, project.createdAt, new Date(), this.staleAfterMs),
    };
  }

  /** The agency's part in the project, or null (no organization, or none in this project). */
  async agencyRole(projectId: string, organizationId: string | null, manager?: EntityManager): Promise<ProjectAgencyRole | null> {
    if (!organizationId) return null;
    return this.repository.agencyRole(manager ?? this.db.reader, projectId, organizationId);
  }

  /** Refuses unless the actor is an admin or an agency user of the project's lead (or co-lead) agency. */
  async assertLeadAgencyOrAdmin(actor: Actor, projectId: string, manager?: EntityManager): Promise<void> {
    if (actor.role === 'admin') return;
    const role = actor.role === 'agency' ? await this.agencyRole(projectId, actor.organizationId, manager) : null;
    if (role !== 'lead' && role !== 'co_lead') {
      throw new Forbidden('only the lead agency of this project (or an admin) may do this', 'not_lead_agency');
    }
  }

  private summaryView(r: ProjectSummaryRow, now: Date): ProjectSummaryView {
    return {
      id: r.id,
      code: r.code,
      nameFa: r.nameFa,
      nameEn: r.nameEn,
      portfolioId: r.portfolioId,
      budgetRials: r.budgetRials === null ? null : r.budgetRials.toString(),
      confidential: r.confidential,
      synthetic: r.synthetic,
      reported: r.reported,
      repeats: r.repeats,
      collaboratorsNoteEn: r.collaboratorsNoteEn,
      lastVerifiedAt: r.lastVerifiedAt,
      stale: isStale(r.lastVerifiedAt, r.createdAt, now, this.staleAfterMs),
      leadAgency: r.leadAgency,
    };
  }
}
