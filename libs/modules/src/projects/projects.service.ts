import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { parseRials } from '@pelekan/core';
import type { Actor } from '../common/actor';
import { Conflict, Forbidden, InvalidInput, NotFound } from '../common/errors';
import { AppConfig } from '../config';
import { Organization } from '../identity/organization.entity';
import { CreatePortfolioDto, CreateProjectDto, SetBudgetDto } from './dto';
import { Portfolio } from './portfolio.entity';
import { ProjectAgency, ProjectAgencyRole } from './project-agency.entity';
import { Project } from './project.entity';

/** "2-1" before "10": codes compare like numbers where they are numbers. */
const byCode = new Intl.Collator('en', { numeric: true });

export interface AgencyRef {
  id: string;
  code: string;
  nameFa: string;
  nameEn: string;
}

export interface ProjectView extends Omit<Project, 'createdAt'> {
  portfolio: { id: string; code: string; nameFa: string; nameEn: string };
  leadAgency: AgencyRef | null;
  agencies: Array<AgencyRef & { role: ProjectAgencyRole; noteEn: string | null }>;
  /** Sum of the amounts of the project's tranches that are not rejected. */
  committedRials: bigint;
  releasedRials: bigint;
  /** The latest verified update of any of its items (finding 10). */
  lastVerifiedAt: Date | null;
  /** No verified update for longer than STALE_AFTER. */
  stale: boolean;
}

@Injectable()
export class ProjectsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectRepository(Portfolio) private readonly portfolios: Repository<Portfolio>,
    @InjectRepository(Project) private readonly projects: Repository<Project>,
    private readonly config: AppConfig,
  ) {}

  /**
   * Finding 10: every project carries the time of its last verified update, and is stale when it has
   * had none for longer than STALE_AFTER (counted from its registration when it never had one).
   */
  private freshnessColumns(alias: string, staleAfterParam: string): string {
    return `(SELECT max(i.last_verified_at) FROM action_items i WHERE i.project_id = ${alias}.id AND i.removed_at IS NULL)
              AS "lastVerifiedAt",
            coalesce((SELECT max(i.last_verified_at) FROM action_items i WHERE i.project_id = ${alias}.id AND i.removed_at IS NULL),
                     ${alias}.created_at) < now() - ${staleAfterParam}::interval AS stale`;
  }

  private static readonly PORTFOLIO_MONITORING = `p.monitoring_paused_at AS "monitoringPausedAt",
    p.monitoring_pause_reason AS "monitoringPauseReason"`;

  async listPortfolios() {
    return this.db.query(
      `SELECT p.id, p.code, p.name_fa AS "nameFa", p.name_en AS "nameEn", p.approved_by_fa AS "approvedByFa",
              p.approved_on_jalali AS "approvedOnJalali", p.note_en AS "noteEn", p.max_projects AS "maxProjects",
              p.synthetic, p.source, count(pr.id)::int AS "projectCount", ${ProjectsService.PORTFOLIO_MONITORING}
         FROM portfolios p LEFT JOIN projects pr ON pr.portfolio_id = p.id
        GROUP BY p.id ORDER BY p.synthetic, p.code`,
    );
  }

  async getPortfolio(id: string) {
    const portfolio = await this.portfolios.findOneBy({ id });
    if (!portfolio) throw new NotFound('portfolio', id);
    const [projects, monitoringHistory] = await Promise.all([
      this.listProjects({ portfolioId: id }),
      this.db.query(
        `SELECT e.action, e.reason, e.at, u.username AS "by" FROM portfolio_monitoring_events e
           JOIN users u ON u.id = e.actor_id WHERE e.portfolio_id = $1 ORDER BY e.id`,
        [id],
      ),
    ]);
    const [monitoring] = await this.db.query(
      `SELECT ${ProjectsService.PORTFOLIO_MONITORING} FROM portfolios p WHERE p.id = $1`,
      [id],
    );
    return { ...portfolio, ...monitoring, monitoringHistory, projects };
  }

  /**
   * An admin pauses or resumes monitoring of a portfolio, with a reason. While paused its items are not
   * escalated; the pause, its date and reason are part of the portfolio's public record.
   */
  async setMonitoring(actor: Actor, id: string, dto: { action: 'pause' | 'resume'; reason: string }) {
    await this.db.transaction(async (tx) => {
      const [portfolio] = await tx.query('SELECT monitoring_paused_at FROM portfolios WHERE id = $1 FOR UPDATE', [id]);
      if (!portfolio) throw new NotFound('portfolio', id);
      const paused = portfolio.monitoring_paused_at !== null;
      if (dto.action === 'pause' && paused) throw new Conflict('monitoring of this portfolio is already paused', 'already_paused');
      if (dto.action === 'resume' && !paused) throw new Conflict('monitoring of this portfolio is not paused', 'not_paused');
      if (dto.action === 'pause') {
        await tx.query(
          `UPDATE portfolios SET monitoring_paused_at = now(), monitoring_pause_reason = $2, monitoring_paused_by = $3 WHERE id = $1`,
          [id, dto.reason, actor.userId],
        );
      } else {
        await tx.query(
          `UPDATE portfolios SET monitoring_paused_at = NULL, monitoring_pause_reason = NULL, monitoring_paused_by = NULL WHERE id = $1`,
          [id],
        );
      }
      await tx.query(
        'INSERT INTO portfolio_monitoring_events (portfolio_id, action, reason, actor_id) VALUES ($1, $2, $3, $4)',
        [id, dto.action, dto.reason, actor.userId],
      );
    });
    return this.getPortfolio(id);
  }

  async createPortfolio(dto: CreatePortfolioDto): Promise<Portfolio> {
    if (await this.portfolios.existsBy({ code: dto.code })) {
      throw new Conflict(`a portfolio with code ${dto.code} already exists`, 'duplicate_code');
    }
    return this.portfolios.save(
      this.portfolios.create({
        code: dto.code,
        nameFa: dto.nameFa,
        nameEn: dto.nameEn,
        maxProjects: dto.maxProjects ?? null,
        approvedByFa: null,
        approvedOnJalali: null,
        noteEn: null,
        synthetic: false,
        source: {},
      }),
    );
  }

  async listProjects(filter: { portfolioId?: string } = {}) {
    const rows = await this.db.query(
      `SELECT pr.id, pr.code, pr.name_fa AS "nameFa", pr.name_en AS "nameEn", pr.portfolio_id AS "portfolioId",
              pr.budget_rials AS "budgetRials", pr.confidential, pr.synthetic, pr.reported, pr.repeats,
              pr.collaborators_note_en AS "collaboratorsNoteEn", ${this.freshnessColumns('pr', '$2')},
              CASE WHEN o.id IS NULL THEN NULL
                   ELSE json_build_object('id', o.id, 'code', o.code, 'nameFa', o.name_fa, 'nameEn', o.name_en) END
                AS "leadAgency"
         FROM projects pr LEFT JOIN organizations o ON o.id = pr.lead_agency_id
        WHERE ($1::uuid IS NULL OR pr.portfolio_id = $1)
        `,
      [filter.portfolioId ?? null, this.config.STALE_AFTER],
    );
    return rows
      .map((r: any) => ({ ...r, budgetRials: r.budgetRials === null ? null : BigInt(r.budgetRials) }))
      .sort((a: any, b: any) => a.portfolioId.localeCompare(b.portfolioId) || byCode.compare(a.code, b.code));
  }

  async requireProject(id: string, manager: EntityManager = this.db.manager): Promise<Project> {
    const project = await manager.findOneBy(Project, { id });
    if (!project) throw new NotFound('project', id);
    return project;
  }

  async getProject(id: string): Promise<ProjectView> {
    const project = await this.requireProject(id);
    const [portfolio, agencies, money, [freshness]] = await Promise.all([
      this.portfolios.findOneByOrFail({ id: project.portfolioId }),
      this.db.query(
        `SELECT o.id, o.code, o.name_fa AS "nameFa", o.name_en AS "nameEn", pa.role, pa.note_en AS "noteEn"
           FROM project_agencies pa JOIN organizations o ON o.id = pa.organization_id
          WHERE pa.project_id = $1
          ORDER BY array_position(ARRAY['lead','co_lead','collaborating'], pa.role), o.name_en`,
        [id],
      ),
      this.db.query(
        `SELECT coalesce(sum(amount_rials) FILTER (WHERE state <> 'rejected'), 0)::text AS committed,
                coalesce(sum(amount_rials) FILTER (WHERE state = 'released'), 0)::text AS released
           FROM tranches WHERE project_id = $1`,
        [id],
      ),
      this.db.query(`SELECT ${this.freshnessColumns('pr', '$2')} FROM projects pr WHERE pr.id = $1`, [id, this.config.STALE_AFTER]),
    ]);
    const { createdAt: _created, ...fields } = project;
    const lead = agencies.find((a: any) => a.role === 'lead');
    return {
      ...fields,
      portfolio: { id: portfolio.id, code: portfolio.code, nameFa: portfolio.nameFa, nameEn: portfolio.nameEn },
      leadAgency: lead ? { id: lead.id, code: lead.code, nameFa: lead.nameFa, nameEn: lead.nameEn } : null,
      agencies,
      committedRials: BigInt(money[0].committed),
      releasedRials: BigInt(money[0].released),
      lastVerifiedAt: freshness.lastVerifiedAt,
      stale: freshness.stale,
    };
  }

  async createProject(dto: CreateProjectDto): Promise<ProjectView> {
    const id = await this.db.transaction(async (tx) => {
      const portfolio = await tx
        .getRepository(Portfolio)
        .createQueryBuilder('p')
        .setLock('pessimistic_write')
        .where('p.id = :id', { id: dto.portfolioId })
        .getOne();
      if (!portfolio) throw InvalidInput.field('portfolioId', `portfolio ${dto.portfolioId} does not exist`);
      if (portfolio.maxProjects !== null) {
        const count = await tx.countBy(Project, { portfolioId: portfolio.id });
        if (count >= portfolio.maxProjects) {
          throw new Conflict(
            `portfolio ${portfolio.code} is capped at ${portfolio.maxProjects} projects`,
            'portfolio_full',
          );
        }
      }
      if (await tx.existsBy(Project, { portfolioId: portfolio.id, code: dto.code })) {
        throw new Conflict(`portfolio ${portfolio.code} already has a project ${dto.code}`, 'duplicate_code');
      }
      const collaborators = (dto.collaboratingAgencyIds ?? []).filter((a) => a !== dto.leadAgencyId);
      const known = await tx.getRepository(Organization).findBy(
        [dto.leadAgencyId, ...collaborators].map((orgId) => ({ id: orgId })),
      );
      if (!known.some((o) => o.id === dto.leadAgencyId)) {
        throw InvalidInput.field('leadAgencyId', `organization ${dto.leadAgencyId} does not exist`);
      }
      const missing = collaborators.filter((c) => !known.some((o) => o.id === c));
      if (missing.length) {
        throw InvalidInput.field('collaboratingAgencyIds', `unknown organizations: ${missing.join(', ')}`);
      }
      const project = await tx.save(
        tx.create(Project, {
          portfolioId: portfolio.id,
          code: dto.code,
          nameFa: dto.nameFa,
          nameEn: dto.nameEn,
          leadAgencyId: dto.leadAgencyId,
          budgetRials: dto.budgetRials === undefined ? null : parseRials(dto.budgetRials),
          confidential: false,
          synthetic: false,
          reported: null,
          repeats: null,
          collaboratorsNoteEn: null,
        }),
      );
      await tx.insert(ProjectAgency, [
        { projectId: project.id, organizationId: dto.leadAgencyId, role: 'lead', noteEn: null },
        ...collaborators.map((c) => ({
          projectId: project.id,
          organizationId: c,
          role: 'collaborating' as const,
          noteEn: null,
        })),
      ]);
      return project.id;
    });
    return this.getProject(id);
  }

  async setBudget(id: string, dto: SetBudgetDto): Promise<ProjectView> {
    const budget = parseRials(dto.budgetRials);
    await this.db.transaction(async (tx) => {
      await tx.query('SELECT 1 FROM projects WHERE id = $1 FOR UPDATE', [id]);
      const project = await this.requireProject(id, tx);
      const [{ committed }] = await tx.query(
        `SELECT coalesce(sum(amount_rials), 0)::text AS committed FROM tranches WHERE project_id = $1 AND state <> 'rejected'`,
        [id],
      );
      if (budget < BigInt(committed)) {
        throw InvalidInput.field(
          'budgetRials',
          `the project's tranches already commit ${committed} rials; the budget cannot be lower`,
        );
      }
      project.budgetRials = budget;
      await tx.save(project);
    });
    return this.getProject(id);
  }

  /** The agencies whose work on the project a verifier must be independent of: lead and co-leads. */
  async leadAgencies(projectId: string): Promise<string[]> {
    const rows: Array<{ organization_id: string }> = await this.db.query(
      `SELECT organization_id FROM project_agencies WHERE project_id = $1 AND role IN ('lead', 'co_lead')`,
      [projectId],
    );
    return rows.map((r) => r.organization_id);
  }

  async agencyRole(projectId: string, organizationId: string | null): Promise<ProjectAgencyRole | null> {
    if (!organizationId) return null;
    const rows = await this.db.query(
      'SELECT role FROM project_agencies WHERE project_id = $1 AND organization_id = $2',
      [projectId, organizationId],
    );
    return rows[0]?.role ?? null;
  }

  /** Refuses unless the actor is an admin or an agency user of the project's lead (or co-lead) agency. */
  async assertLeadAgencyOrAdmin(actor: Actor, projectId: string): Promise<void> {
    if (actor.role === 'admin') return;
    const role = actor.role === 'agency' ? await this.agencyRole(projectId, actor.organizationId) : null;
    if (role !== 'lead' && role !== 'co_lead') {
      throw new Forbidden('only the lead agency of this project (or an admin) may do this', 'not_lead_agency');
    }
  }
}
