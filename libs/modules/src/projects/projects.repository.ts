import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { row, rows } from '../database/database';
import { ProjectAgency, ProjectAgencyRole } from './project-agency.entity';
import { Project, RepeatOf, ReportedFigures } from './project.entity';

export interface AgencyRefRow {
  id: string;
  code: string;
  nameFa: string;
  nameEn: string;
}

export interface ProjectSummaryRow {
  id: string;
  code: string;
  nameFa: string;
  nameEn: string;
  portfolioId: string;
  budgetRials: bigint | null;
  confidential: boolean;
  synthetic: boolean;
  reported: ReportedFigures | null;
  repeats: RepeatOf | null;
  collaboratorsNoteEn: string | null;
  leadAgency: AgencyRefRow | null;
  /** The latest verified update of any of its current items. */
  lastVerifiedAt: Date | null;
  createdAt: Date;
}

export interface ProjectAgencyRow extends AgencyRefRow {
  role: ProjectAgencyRole;
  noteEn: string | null;
}

export interface TrancheAmountRow {
  amountRials: bigint;
  state: string;
  releasedRials: bigint;
  givenUpRials: bigint;
}

export interface NewProject {
  portfolioId: string;
  code: string;
  nameFa: string;
  nameEn: string;
  leadAgencyId: string;
  budgetRials: bigint | null;
}

/** The latest verified update of the project's current (not retired) items. */
const LAST_VERIFIED = (alias: string) =>
  `(SELECT max(i.last_verified_at) FROM action_items i WHERE i.project_id = ${alias}.id AND i.removed_at IS NULL)`;

const rials = (text: string | null): bigint | null => (text === null ? null : BigInt(text));

/** SQL of portfolios, projects and their agencies. */
@Injectable()
export class ProjectsRepository {
  /** Projects of one portfolio (or all), unsorted, with their lead agency and last verified update. */
  async projectSummaries(m: EntityManager, portfolioId: string | null): Promise<ProjectSummaryRow[]> {
    const found = await rows<Omit<ProjectSummaryRow, 'budgetRials'> & { budgetRials: string | null }>(
      m,
      `SELECT pr.id, pr.code, pr.name_fa AS "nameFa", pr.name_en AS "nameEn", pr.portfolio_id AS "portfolioId",
              pr.budget_rials::text AS "budgetRials", pr.confidential, pr.synthetic, pr.reported, pr.repeats,
              pr.collaborators_note_en AS "collaboratorsNoteEn", ${LAST_VERIFIED('pr')} AS "lastVerifiedAt",
              pr.created_at AS "createdAt",
              CASE WHEN o.id IS NULL THEN NULL
                   ELSE json_build_object('id', o.id, 'code', o.code, 'nameFa', o.name_fa, 'nameEn', o.name_en) END
                AS "leadAgency"
         FROM projects pr LEFT JOIN organizations o ON o.id = pr.lead_agency_id
        WHERE ($1::uuid IS NULL OR pr.portfolio_id = $1)`,
      [portfolioId],
    );
    return found.map((r) => ({ ...r, budgetRials: rials(r.budgetRials) }));
  }

  async project(m: EntityManager, id: string, options: { lock?: boolean } = {}): Promise<Project | null> {
    return m.findOne(Project, { where: { id }, ...(options.lock ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
  }

  async lastVerifiedAt(m: EntityManager, projectId: string): Promise<Date | null> {
    const found = await row<{ lastVerifiedAt: Date | null }>(m, `SELECT ${LAST_VERIFIED('pr')} AS "lastVerifiedAt" FROM projects pr WHERE pr.id = $1`, [
      projectId,
    ]);
    return found?.lastVerifiedAt ?? null;
  }

  /** The project's agencies: the lead first, then co-leads, then collaborators, each by English name. */
  async projectAgencies(m: EntityManager, projectId: string): Promise<ProjectAgencyRow[]> {
    return rows<ProjectAgencyRow>(
      m,
      `SELECT o.id, o.code, o.name_fa AS "nameFa", o.name_en AS "nameEn", pa.role, pa.note_en AS "noteEn"
         FROM project_agencies pa JOIN organizations o ON o.id = pa.organization_id
        WHERE pa.project_id = $1
        ORDER BY array_position(ARRAY['lead','co_lead','collaborating'], pa.role), o.name_en`,
      [projectId],
    );
  }

  async agencyRole(m: EntityManager, projectId: string, organizationId: string): Promise<ProjectAgencyRole | null> {
    const found = await row<{ role: ProjectAgencyRole }>(
      m,
      'SELECT role FROM project_agencies WHERE project_id = $1 AND organization_id = $2',
      [projectId, organizationId],
    );
    return found?.role ?? null;
  }

  /** Every tranche of the project, with its amount and state (the budget rules decide what counts). */
  async trancheAmounts(m: EntityManager, projectId: string): Promise<TrancheAmountRow[]> {
    const found = await rows<{ amountRials: string; state: string; releasedRials: string; givenUpRials: string }>(
      m,
      `SELECT amount_rials::text AS "amountRials", state, released_rials::text AS "releasedRials",
              given_up_rials::text AS "givenUpRials" FROM tranches WHERE project_id = $1`,
      [projectId],
    );
    return found.map((t) => ({
      amountRials: BigInt(t.amountRials),
      state: t.state,
      releasedRials: BigInt(t.releasedRials),
      givenUpRials: BigInt(t.givenUpRials),
    }));
  }

  async projectCount(m: EntityManager, portfolioId: string): Promise<number> {
    return m.countBy(Project, { portfolioId });
  }

  async projectCodeTaken(m: EntityManager, portfolioId: string, code: string): Promise<boolean> {
    return m.existsBy(Project, { portfolioId, code });
  }

  /** Which of these organizations exist. */
  async existingOrganizations(m: EntityManager, ids: readonly string[]): Promise<string[]> {
    const found = await rows<{ id: string }>(m, 'SELECT id FROM organizations WHERE id = ANY($1::uuid[])', [ids]);
    return found.map((o) => o.id);
  }

  async insertProject(m: EntityManager, project: NewProject): Promise<string> {
    const saved = await m.save(
      m.create(Project, {
        ...project,
        confidential: false,
        synthetic: false,
        reported: null,
        repeats: null,
        collaboratorsNoteEn: null,
      }),
    );
    return saved.id;
  }

  async insertProjectAgencies(
    m: EntityManager,
    projectId: string,
    agencies: ReadonlyArray<{ organizationId: string; role: ProjectAgencyRole }>,
  ): Promise<void> {
    if (agencies.length === 0) return;
    await m.insert(
      ProjectAgency,
      agencies.map((a) => ({ projectId, organizationId: a.organizationId, role: a.role, noteEn: null })),
    );
  }

  async setBudget(m: EntityManager, projectId: string, budget: bigint): Promise<void> {
    await m.query('UPDATE projects SET budget_rials = $2 WHERE id = $1', [projectId, budget.toString()]);
  }
}
