import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { ReleaseRuleJson, TrancheState } from '@pelekan/core';
import { row, rows } from '../database/database';
import type { ProjectAgencyRole } from '../projects/project-agency.entity';
import type { RepeatOf, ReportedFigures } from '../projects/project.entity';

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
              pr.created_at AS "createdAt"
         FROM projects pr
         LEFT JOIN LATERAL (
           SELECT sum(a.weight_hundredths::bigint) AS weight_sum,
                  sum(a.weight_hundredths::bigint * a.verified_percent) AS verified_weighted,
                  sum(a.weight_hundredths::bigint * a.declared_percent) AS declared_weighted,
                  max(a.last_verified_at) AS last_verified_at
             FROM action_items a WHERE a.project_id = pr.id AND a.removed_at IS NULL
         ) i ON true`;

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
}
