import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { ReleaseRuleJson, TrancheState } from '@pelekan/core';
import { row, rows } from '../database/database';
import type { ProjectAgencyRole } from '../projects/project-agency.entity';
import type { RepeatOf, ReportedFigures } from '../projects/project.entity';
import { currentItemSumsLateral } from './item-sums.sql';
import { PORTAL_FACTS_SQL, PORTAL_SORTS, type PortalSort } from './portal-figures.sql';

export interface PublicPortfolioSummaryRow {
  id: string;
  code: string;
  nameFa: string;
  nameEn: string;
  synthetic: boolean;
  approvedOnJalali: string | null;
  monitoringPausedAt: Date | null;
  monitoringPauseReason: string | null;
  projectCount: number;
  repeatCount: number;
}

export interface PublicPortfolioRow {
  id: string;
  code: string;
  nameFa: string;
  nameEn: string;
  synthetic: boolean;
  approvedByFa: string | null;
  approvedOnJalali: string | null;
  noteEn: string | null;
  monitoringPausedAt: Date | null;
  monitoringPauseReason: string | null;
}

export interface PublicMonitoringEventRow {
  action: 'pause' | 'resume';
  reason: string;
  at: Date;
}

export interface PublicAgencyRow {
  code: string;
  nameFa: string;
  nameEn: string;
  role: ProjectAgencyRole;
}

/**
 * A project as the portal reads it. Progress comes as sums over the project's current items (core
 * `progressFromSums` turns them into percents), freshness as the last verified update and the
 * registration time (core `isStale` decides). Money is null for a confidential project.
 */
export interface PublicProjectRow {
  id: string;
  code: string;
  nameFa: string;
  nameEn: string;
  portfolioId: string;
  confidential: boolean;
  synthetic: boolean;
  selfDeclared: ReportedFigures | null;
  repeats: RepeatOf | null;
  budgetRials: string | null;
  releasedRials: string | null;
  /** Σ weight (hundredths) of the current items. */
  weightSum: number;
  /** Σ weight · verified percent of the current items. */
  verifiedWeighted: number;
  /** Σ weight · declared percent of the current items. */
  declaredWeighted: number;
  lastVerifiedAt: Date | null;
  createdAt: Date;
  agencies: PublicAgencyRow[];
  /** Its portfolio's monitoring is paused. */
  monitoringPaused: boolean;
}

export interface PublicProjectHeaderRow {
  id: string;
  portfolioId: string;
  confidential: boolean;
}

export interface PublicItemRow {
  id: string;
  code: string;
  titleFa: string;
  titleEn: string;
  weightHundredths: number;
  plannedStart: Date;
  dueAt: Date;
  budgetRials: string;
  verifiedPercent: number;
  declaredPercent: number;
  lastVerifiedAt: Date | null;
  ownerAgency: { code: string; nameFa: string; nameEn: string };
  /** Numbers of the tranches (not rejected) that fund the item; null when none. */
  fundedByTranches: number[] | null;
}

export interface PublicTrancheRow {
  id: string;
  number: number;
  amountRials: string;
  state: TrancheState;
  createdAt: Date;
  releasedAt: Date | null;
  stateChangedAt: Date;
  releaseRule: ReleaseRuleJson;
  dueAt: Date | null;
  releasedRials: string;
}

export type RawPublicProjectRow = Omit<PublicProjectRow, 'weightSum' | 'verifiedWeighted' | 'declaredWeighted'> & {
  weightSum: string;
  verifiedWeighted: string;
  declaredWeighted: string;
};

export const toPublicProjectRow = (r: RawPublicProjectRow): PublicProjectRow => ({
  ...r,
  weightSum: Number(r.weightSum),
  verifiedWeighted: Number(r.verifiedWeighted),
  declaredWeighted: Number(r.declaredWeighted),
});

/** Projects as the portal reads them; the caller adds WHERE (and ORDER BY). */
export const PUBLIC_PROJECTS_SQL = `SELECT pr.id, pr.code, pr.name_fa AS "nameFa", pr.name_en AS "nameEn", pr.portfolio_id AS "portfolioId",
              pr.confidential, pr.synthetic, pr.reported AS "selfDeclared", pr.repeats,
              CASE WHEN pr.confidential THEN NULL ELSE pr.budget_rials::text END AS "budgetRials",
              CASE WHEN pr.confidential THEN NULL ELSE
                (SELECT coalesce(sum(released_rials), 0)::text FROM tranches t WHERE t.project_id = pr.id) END
                AS "releasedRials",
              coalesce(i.weight_sum, 0)::text AS "weightSum",
              coalesce(i.verified_weighted, 0)::text AS "verifiedWeighted",
              coalesce(i.declared_weighted, 0)::text AS "declaredWeighted",
              i.last_verified_at AS "lastVerifiedAt",
              coalesce((SELECT json_agg(json_build_object('code', o.code, 'nameFa', o.name_fa, 'nameEn', o.name_en, 'role', pa.role)
                                        ORDER BY array_position(ARRAY['lead','co_lead','collaborating'], pa.role), o.name_en)
                          FROM project_agencies pa JOIN organizations o ON o.id = pa.organization_id WHERE pa.project_id = pr.id), '[]')
                AS agencies,
              pr.created_at AS "createdAt",
              (SELECT pf.monitoring_paused_at IS NOT NULL FROM portfolios pf WHERE pf.id = pr.portfolio_id) AS "monitoringPaused"
         FROM projects pr
         ${currentItemSumsLateral()}`;

/** A portfolio's figures as the database adds them up (hundredths summed over the projects with both progress figures). */
export interface PortfolioFiguresRow {
  id: string;
  code: string;
  nameFa: string;
  nameEn: string;
  synthetic: boolean;
  monitoringPausedAt: Date | null;
  projects: number;
  confidential: number;
  budgetRials: string;
  releasedRials: string;
  /** Projects whose budget is known (set and not confidential). */
  budgeted: number;
  stale: number;
  paused: number;
  repeats: number;
  counted: number;
  verifiedSum: string;
  selfDeclaredSum: string;
}

export interface AgencyFiguresRow {
  code: string;
  nameFa: string;
  nameEn: string;
  projects: number;
  counted: number;
  verifiedSum: string;
  selfDeclaredSum: string;
}

export interface PublicHistoryRow {
  at: Date;
  kind: 'declaration' | 'verification' | 'tranche' | 'plan_revision';
  itemCode: string | null;
  number: number | null;
  state: string | null;
  percent: number | null;
  revokedAt: Date | null;
}

export interface ProjectListFilter {
  staleCutoff: Date;
  q: { text: string; ascii: string } | null;
  portfolioId: string | null;
  agency: string | null;
  stale: boolean | null;
  repeat: boolean | null;
  sort: PortalSort;
  descending: boolean;
  after: (string | number)[] | null;
  limit: number;
}

/** SQL of the transparency portal (its open data: open-data.repository.ts). */
@Injectable()
export class PortalRepository {
  async portfolioSummaries(m: EntityManager): Promise<PublicPortfolioSummaryRow[]> {
    return rows<PublicPortfolioSummaryRow>(
      m,
      `SELECT p.id, p.code, p.name_fa AS "nameFa", p.name_en AS "nameEn", p.synthetic, p.approved_on_jalali AS "approvedOnJalali",
              p.monitoring_paused_at AS "monitoringPausedAt", p.monitoring_pause_reason AS "monitoringPauseReason",
              count(pr.id)::int AS "projectCount", count(pr.id) FILTER (WHERE pr.repeats IS NOT NULL)::int AS "repeatCount"
         FROM portfolios p LEFT JOIN projects pr ON pr.portfolio_id = p.id
        GROUP BY p.id ORDER BY p.synthetic, p.code`,
    );
  }

  async portfolio(m: EntityManager, id: string): Promise<PublicPortfolioRow | null> {
    return row<PublicPortfolioRow>(
      m,
      `SELECT id, code, name_fa AS "nameFa", name_en AS "nameEn", synthetic, approved_by_fa AS "approvedByFa",
              approved_on_jalali AS "approvedOnJalali", note_en AS "noteEn",
              monitoring_paused_at AS "monitoringPausedAt", monitoring_pause_reason AS "monitoringPauseReason"
         FROM portfolios WHERE id = $1`,
      [id],
    );
  }

  async monitoringHistory(m: EntityManager, portfolioId: string): Promise<PublicMonitoringEventRow[]> {
    return rows<PublicMonitoringEventRow>(
      m,
      `SELECT action, reason, at FROM portfolio_monitoring_events WHERE portfolio_id = $1 ORDER BY id`,
      [portfolioId],
    );
  }

  /** Projects of one portfolio, or one project, or (both null) all projects; unsorted. */
  async projects(m: EntityManager, filter: { portfolioId: string | null; projectId?: string | null }): Promise<PublicProjectRow[]> {
    const found = await rows<RawPublicProjectRow>(
      m,
      `${PUBLIC_PROJECTS_SQL} WHERE ($1::uuid IS NULL OR pr.portfolio_id = $1) AND ($2::uuid IS NULL OR pr.id = $2)`,
      [filter.portfolioId, filter.projectId ?? null],
    );
    return found.map(toPublicProjectRow);
  }

  async projectHeader(m: EntityManager, id: string): Promise<PublicProjectHeaderRow | null> {
    return row<PublicProjectHeaderRow>(m, `SELECT id, portfolio_id AS "portfolioId", confidential FROM projects WHERE id = $1`, [id]);
  }

  /** The project's current items, by code. */
  async items(m: EntityManager, projectId: string): Promise<PublicItemRow[]> {
    return rows<PublicItemRow>(
      m,
      `SELECT i.id, i.code, i.title_fa AS "titleFa", i.title_en AS "titleEn", i.weight_hundredths AS "weightHundredths",
              i.planned_start AS "plannedStart", coalesce(i.due_at, i.planned_end) AS "dueAt", i.budget_rials::text AS "budgetRials",
              i.verified_percent AS "verifiedPercent", i.declared_percent AS "declaredPercent", i.last_verified_at AS "lastVerifiedAt",
              json_build_object('code', o.code, 'nameFa', o.name_fa, 'nameEn', o.name_en) AS "ownerAgency",
              (SELECT json_agg(t.number ORDER BY t.number) FROM tranche_items ti JOIN tranches t ON t.id = ti.tranche_id
                WHERE ti.item_id = i.id AND ti.role = 'funds' AND t.state <> 'rejected') AS "fundedByTranches"
         FROM action_items i JOIN organizations o ON o.id = i.owner_agency_id
        WHERE i.project_id = $1 AND i.removed_at IS NULL ORDER BY i.code`,
      [projectId],
    );
  }

  async tranches(m: EntityManager, projectId: string): Promise<PublicTrancheRow[]> {
    return rows<PublicTrancheRow>(
      m,
      `SELECT t.id, t.number, t.amount_rials::text AS "amountRials", t.state, t.created_at AS "createdAt", t.released_at AS "releasedAt",
              t.state_changed_at AS "stateChangedAt", t.release_rule AS "releaseRule", t.due_at AS "dueAt",
              t.released_rials::text AS "releasedRials"
         FROM tranches t WHERE t.project_id = $1 ORDER BY t.number`,
      [projectId],
    );
  }

  /** Figures per portfolio, over the per-project facts (PORTAL_FACTS_SQL); `staleCutoff` = now − STALE_AFTER. */
  async portfolioFigures(m: EntityManager, staleCutoff: Date): Promise<PortfolioFiguresRow[]> {
    return rows<PortfolioFiguresRow>(
      m,
      `WITH f AS (${PORTAL_FACTS_SQL})
       SELECT p.id, p.code, p.name_fa AS "nameFa", p.name_en AS "nameEn", p.synthetic, p.monitoring_paused_at AS "monitoringPausedAt",
              count(f.id)::int AS projects, count(f.id) FILTER (WHERE f.confidential)::int AS confidential,
              coalesce(sum(f.budget_rials), 0)::text AS "budgetRials", coalesce(sum(f.released_rials), 0)::text AS "releasedRials",
              count(f.budget_rials)::int AS budgeted,
              count(f.id) FILTER (WHERE f.stale)::int AS stale, count(f.id) FILTER (WHERE f.paused)::int AS paused,
              count(f.id) FILTER (WHERE f.repeats IS NOT NULL)::int AS repeats,
              count(f.declared_h)::int AS counted,
              coalesce(sum(f.verified_h) FILTER (WHERE f.declared_h IS NOT NULL), 0)::text AS "verifiedSum",
              coalesce(sum(f.declared_h), 0)::text AS "selfDeclaredSum"
         FROM portfolios p LEFT JOIN f ON f.portfolio_id = p.id
        GROUP BY p.id ORDER BY p.synthetic, p.code`,
      [staleCutoff],
    );
  }

  /** Figures per agency over the projects it leads (lead or co-lead). */
  async agencyFigures(m: EntityManager, staleCutoff: Date): Promise<AgencyFiguresRow[]> {
    return rows<AgencyFiguresRow>(
      m,
      `WITH f AS (${PORTAL_FACTS_SQL})
       SELECT o.code, o.name_fa AS "nameFa", o.name_en AS "nameEn", count(f.id)::int AS projects,
              count(f.declared_h)::int AS counted,
              coalesce(sum(f.verified_h) FILTER (WHERE f.declared_h IS NOT NULL), 0)::text AS "verifiedSum",
              coalesce(sum(f.declared_h), 0)::text AS "selfDeclaredSum"
         FROM f JOIN project_agencies pa ON pa.project_id = f.id AND pa.role IN ('lead', 'co_lead')
         JOIN organizations o ON o.id = pa.organization_id
        GROUP BY o.id ORDER BY o.code`,
      [staleCutoff],
    );
  }

  /**
   * One page of the public project list: ids and sort keys of up to `limit + 1` projects after the
   * cursor, filtered and sorted in the database (keyset: the key, then the id).
   */
  async projectPage(m: EntityManager, f: ProjectListFilter): Promise<{ id: string; key: string | number }[]> {
    const sort = PORTAL_SORTS[f.sort];
    const params: unknown[] = [f.staleCutoff];
    const where: string[] = [];
    const param = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    if (f.q !== null) {
      const like = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      const a = param(like(f.q.text));
      const b = param(like(f.q.ascii));
      where.push(`(f.code ILIKE ${a} OR f.name_fa ILIKE ${a} OR f.name_en ILIKE ${a} OR f.code ILIKE ${b} OR f.name_fa ILIKE ${b} OR f.name_en ILIKE ${b})`);
    }
    if (f.portfolioId !== null) where.push(`f.portfolio_id = ${param(f.portfolioId)}::uuid`);
    if (f.agency !== null) {
      where.push(`EXISTS (SELECT 1 FROM project_agencies pa JOIN organizations o ON o.id = pa.organization_id
                           WHERE pa.project_id = f.id AND o.code = ${param(f.agency)})`);
    }
    if (f.stale !== null) where.push(f.stale ? 'f.stale' : 'NOT f.stale');
    if (f.repeat !== null) where.push(f.repeat ? 'f.repeats IS NOT NULL' : 'f.repeats IS NULL');
    if (f.after) {
      where.push(`(${sort.key}, f.id) ${f.descending ? '<' : '>'} (${param(f.after[0])}::${sort.cast}, ${param(f.after[1])}::uuid)`);
    }
    const direction = f.descending ? 'DESC' : 'ASC';
    const found = await rows<{ id: string; key: string }>(
      m,
      `WITH f AS (${PORTAL_FACTS_SQL})
       SELECT f.id, (${sort.key})::text AS key FROM f
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY ${sort.key} ${direction}, f.id ${direction} LIMIT ${param(f.limit + 1)}`,
      params,
    );
    return found.map((r) => ({ id: r.id, key: sort.part === 'int' ? Number(r.key) : r.key }));
  }

  /** The projects with these ids (in no order). */
  async projectsById(m: EntityManager, ids: string[]): Promise<PublicProjectRow[]> {
    if (ids.length === 0) return [];
    const found = await rows<RawPublicProjectRow>(m, `${PUBLIC_PROJECTS_SQL} WHERE pr.id = ANY($1::uuid[])`, [ids]);
    return found.map(toPublicProjectRow);
  }

  /** What happened to a project, newest first: declarations, verification decisions, tranche states, plan revisions decided. */
  async history(m: EntityManager, projectId: string, limit: number): Promise<PublicHistoryRow[]> {
    return rows<PublicHistoryRow>(
      m,
      `SELECT * FROM (
         SELECT d.declared_at AS at, 'declaration' AS kind, i.code AS "itemCode", NULL::int AS number, NULL::text AS state,
                d.percent::int AS percent, NULL::timestamptz AS "revokedAt"
           FROM progress_declarations d JOIN action_items i ON i.id = d.item_id WHERE i.project_id = $1
         UNION ALL
         SELECT v.decided_at, 'verification', i.code, NULL, v.outcome, v.verified_percent::int, v.revoked_at
           FROM verification_decisions v JOIN action_items i ON i.id = v.item_id WHERE i.project_id = $1
         UNION ALL
         SELECT e.at, 'tranche', NULL, t.number, e.to_state, NULL, NULL
           FROM tranche_events e JOIN tranches t ON t.id = e.tranche_id WHERE t.project_id = $1
         UNION ALL
         SELECT r.decided_at, 'plan_revision', NULL, r.number, r.status, NULL, NULL
           FROM plan_revisions r WHERE r.project_id = $1 AND r.decided_at IS NOT NULL
       ) h ORDER BY at DESC, kind LIMIT $2`,
      [projectId, limit],
    );
  }
}
