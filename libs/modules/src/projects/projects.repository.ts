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

export interface ProjectFilter {
  portfolioId?: string;
  leadAgencyId?: string;
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
  /**
   * Projects by portfolio and code (numbers in codes compare as numbers: "2" before "10"), `limit`
   * of them after the key `after` (portfolio id, code, id), of one portfolio and/or lead agency.
   */
  async projectSummaries(m: EntityManager, filter: ProjectFilter, limit: number | null, after: readonly [string, string, string] | null): Promise<ProjectSummaryRow[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.portfolioId) where.push(`pr.portfolio_id = $${args.push(filter.portfolioId)}`);
    if (filter.leadAgencyId) where.push(`pr.lead_agency_id = $${args.push(filter.leadAgencyId)}`);
    if (after) {
      where.push(`(pr.portfolio_id, pr.code COLLATE pelekan_numeric, pr.id) > ($${args.push(after[0])}::uuid, $${args.push(after[1])}, $${args.push(after[2])}::uuid)`);
    }
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
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY pr.portfolio_id, pr.code COLLATE pelekan_numeric, pr.id
        ${limit === null ? '' : `LIMIT $${args.push(limit)}`}`,
      args,
    );
    return found.map((r) => ({ ...r, budgetRials: rials(r.budgetRials) }));
  }

  /** The project (plain SQL: the entity manager's query building cost more than the query); `lock` takes it FOR UPDATE. */
  async project(m: EntityManager, id: string, options: { lock?: boolean } = {}): Promise<Project | null> {
    const found = await row<Omit<Project, 'budgetRials'> & { budgetRials: string | null }>(
      m,
      `SELECT id, portfolio_id AS "portfolioId", code, name_fa AS "nameFa", name_en AS "nameEn", lead_agency_id AS "leadAgencyId",
              budget_rials::text AS "budgetRials", confidential, synthetic, reported, repeats,
              collaborators_note_en AS "collaboratorsNoteEn", created_at AS "createdAt"
         FROM projects WHERE id = $1${options.lock ? ' FOR UPDATE' : ''}`,
      [id],
    );
    return found && Object.assign(new Project(), { ...found, budgetRials: rials(found.budgetRials) });
  }

  /** The codes of these projects, in one query (exports that name many projects). */
  async codes(m: EntityManager, ids: readonly string[]): Promise<Map<string, string>> {
    const found = await rows<{ id: string; code: string }>(m, 'SELECT id, code FROM projects WHERE id = ANY($1::uuid[])', [ids]);
    return new Map(found.map((p) => [p.id, p.code]));
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
