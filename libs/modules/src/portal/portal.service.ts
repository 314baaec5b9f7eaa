import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ActionPlansService } from '../action-plans/action-plans.service';
import { NotFound } from '../common/errors';
import { AppConfig } from '../config';
import type { Table } from './open-data';

export const OPEN_DATA_TABLES = ['portfolios', 'projects', 'items', 'tranches', 'releases'] as const;
export type OpenDataTable = (typeof OPEN_DATA_TABLES)[number];
/** Open data is rebuilt at least this often, even without a change (staleness depends on the clock). */
export const OPEN_DATA_MAX_AGE_MS = 5 * 60_000;

/** Verified and declared progress of a project, weighted (hundredths of a percent → percent). */
const PROGRESS = (alias: string) => `
  (SELECT round(coalesce(sum(i.weight_hundredths * i.verified_percent), 0) / 10000.0, 2)::float8
     FROM action_items i WHERE i.project_id = ${alias}.id AND i.removed_at IS NULL) AS "verifiedPercent",
  (SELECT round(coalesce(sum(i.weight_hundredths * i.declared_percent), 0) / 10000.0, 2)::float8
     FROM action_items i WHERE i.project_id = ${alias}.id AND i.removed_at IS NULL) AS "declaredPercent",
  (SELECT max(i.last_verified_at) FROM action_items i WHERE i.project_id = ${alias}.id AND i.removed_at IS NULL) AS "lastVerifiedAt"`;

/**
 * The transparency portal: what the public may read, without logging in. Confidential projects show
 * only their name and agencies. Agencies' own figures from the report are labelled self-declared.
 */
@Injectable()
export class PortalService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly config: AppConfig,
    private readonly plans: ActionPlansService,
  ) {}

  async portfolios() {
    return this.db.query(
      `SELECT p.id, p.code, p.name_fa AS "nameFa", p.name_en AS "nameEn", p.synthetic, p.approved_on_jalali AS "approvedOnJalali",
              p.monitoring_paused_at AS "monitoringPausedAt", p.monitoring_pause_reason AS "monitoringPauseReason",
              count(pr.id)::int AS "projectCount", count(pr.id) FILTER (WHERE pr.repeats IS NOT NULL)::int AS "repeatCount"
         FROM portfolios p LEFT JOIN projects pr ON pr.portfolio_id = p.id
        GROUP BY p.id ORDER BY p.synthetic, p.code`,
    );
  }

  async portfolio(id: string) {
    const [portfolio] = await this.db.query(
      `SELECT id, code, name_fa AS "nameFa", name_en AS "nameEn", synthetic, approved_by_fa AS "approvedByFa",
              approved_on_jalali AS "approvedOnJalali", note_en AS "noteEn",
              monitoring_paused_at AS "monitoringPausedAt", monitoring_pause_reason AS "monitoringPauseReason"
         FROM portfolios WHERE id = $1`,
      [id],
    );
    if (!portfolio) throw new NotFound('portfolio', id);
    const [projects, history] = await Promise.all([
      this.projects(id),
      this.db.query(
        `SELECT action, reason, at FROM portfolio_monitoring_events WHERE portfolio_id = $1 ORDER BY id`,
        [id],
      ),
    ]);
    return { ...portfolio, monitoringHistory: history, projects };
  }

  private async projects(portfolioId: string | null, projectId: string | null = null) {
    const rows = await this.db.query(
      `SELECT pr.id, pr.code, pr.name_fa AS "nameFa", pr.name_en AS "nameEn", pr.portfolio_id AS "portfolioId",
              pr.confidential, pr.synthetic, pr.reported AS "selfDeclared", pr.repeats,
              CASE WHEN pr.confidential THEN NULL ELSE pr.budget_rials::text END AS "budgetRials",
              CASE WHEN pr.confidential THEN NULL ELSE
                (SELECT coalesce(sum(amount_rials), 0)::text FROM tranches t WHERE t.project_id = pr.id AND t.state = 'released') END
                AS "releasedRials",
              ${PROGRESS('pr')},
              coalesce((SELECT json_agg(json_build_object('code', o.code, 'nameFa', o.name_fa, 'nameEn', o.name_en, 'role', pa.role)
                                        ORDER BY array_position(ARRAY['lead','co_lead','collaborating'], pa.role), o.name_en)
                          FROM project_agencies pa JOIN organizations o ON o.id = pa.organization_id WHERE pa.project_id = pr.id), '[]')
                AS agencies,
              pr.created_at AS "createdAt"
         FROM projects pr WHERE ($1::uuid IS NULL OR pr.portfolio_id = $1) AND ($2::uuid IS NULL OR pr.id = $2)`,
      [portfolioId, projectId],
    );
    const staleAfter = await this.staleAfterMs();
    const byCode = new Intl.Collator('en', { numeric: true });
    return rows
      .map(({ createdAt, ...r }: any) => {
        const last = r.lastVerifiedAt ? new Date(r.lastVerifiedAt) : null;
        const stale = Date.now() - (last ?? new Date(createdAt)).getTime() > staleAfter;
        return r.confidential
          ? { ...r, verifiedPercent: null, declaredPercent: null, stale }
          : { ...r, stale };
      })
      .sort((a: any, b: any) => byCode.compare(a.code, b.code));
  }

  private async staleAfterMs(): Promise<number> {
    const [{ ms }] = await this.db.query(`SELECT extract(epoch FROM $1::interval) * 1000 AS ms`, [this.config.STALE_AFTER]);
    return Number(ms);
  }

  async project(id: string) {
    const [project] = await this.db.query(`SELECT id, portfolio_id, confidential FROM projects WHERE id = $1`, [id]);
    if (!project) throw new NotFound('project', id);
    const [summary] = await this.projects(project.portfolio_id, id);
    if (project.confidential) return { ...summary, items: [], links: [], tranches: [] };
    const [items, links, tranches] = await Promise.all([
      this.db.query(
        `SELECT i.id, i.code, i.title_fa AS "titleFa", i.title_en AS "titleEn", i.weight_hundredths / 100.0 AS weight,
                i.planned_start AS "plannedStart", coalesce(i.due_at, i.planned_end) AS "dueAt", i.budget_rials::text AS "budgetRials",
                i.verified_percent AS "verifiedPercent", i.declared_percent AS "declaredPercent", i.last_verified_at AS "lastVerifiedAt",
                json_build_object('code', o.code, 'nameFa', o.name_fa, 'nameEn', o.name_en) AS "ownerAgency",
                (SELECT json_agg(t.number ORDER BY t.number) FROM tranche_items ti JOIN tranches t ON t.id = ti.tranche_id
                  WHERE ti.item_id = i.id AND ti.role = 'funds' AND t.state <> 'rejected') AS "fundedByTranches"
           FROM action_items i JOIN organizations o ON o.id = i.owner_agency_id
          WHERE i.project_id = $1 AND i.removed_at IS NULL ORDER BY i.code`,
        [id],
      ),
      this.plans.linksTouching(id),
      this.db.query(
        `SELECT t.number, t.amount_rials::text AS "amountRials", t.state, t.created_at AS "createdAt", t.released_at AS "releasedAt",
                t.state_changed_at AS "stateChangedAt"
           FROM tranches t WHERE t.project_id = $1 ORDER BY t.number`,
        [id],
      ),
    ]);
    return { ...summary, items, links, tranches };
  }

  /**
   * What the public data looks like now: the audit chain's head moves with every committed change
   * of any domain table, and the time bucket lets time-derived flags (stale) refresh on their own.
   */
  async dataVersion(): Promise<string> {
    const [{ head }] = await this.db.query('SELECT last_id::text AS head FROM audit_head');
    return `${head}.${Math.floor(Date.now() / OPEN_DATA_MAX_AGE_MS)}`;
  }

  /** One public table, flat, for CSV, JSON and the XLSX workbook. Only the table asked for is built. */
  async openDataTable(table: OpenDataTable): Promise<Table> {
    switch (table) {
      case 'portfolios':
        return this.db.query(
          `SELECT code, name_fa, name_en, approved_on_jalali, monitoring_paused_at::text, monitoring_pause_reason, synthetic
             FROM portfolios ORDER BY code`,
        );
      case 'projects':
        return (await this.projects(null)).map((p: any) => ({
          portfolio_id: p.portfolioId,
          code: p.code,
          name_fa: p.nameFa,
          name_en: p.nameEn,
          lead_agency_en: p.agencies.find((a: any) => a.role === 'lead')?.nameEn ?? null,
          collaborating_agencies_en: p.agencies.filter((a: any) => a.role !== 'lead').map((a: any) => a.nameEn).join('; '),
          budget_rials: p.budgetRials,
          released_rials: p.releasedRials,
          verified_percent: p.verifiedPercent,
          declared_percent: p.declaredPercent,
          self_declared_progress_pct_report: p.selfDeclared?.actualProgressPct ?? null,
          repeat_of: p.repeats ? `${p.repeats.portfolioCode ?? ''} ${p.repeats.projectCode ?? ''}`.trim() : null,
          last_verified_at: p.lastVerifiedAt ? new Date(p.lastVerifiedAt).toISOString() : null,
          stale: p.stale,
          confidential: p.confidential,
        }));
      case 'items':
        return this.db.query(
          `SELECT p.code AS project_code, i.code, i.title_fa, i.title_en, o.name_en AS owner_agency_en, i.weight_hundredths / 100.0 AS weight,
                  i.planned_start::text, coalesce(i.due_at, i.planned_end)::text AS due_at, i.budget_rials::text,
                  i.declared_percent, i.verified_percent, i.last_verified_at::text
             FROM action_items i JOIN projects p ON p.id = i.project_id JOIN organizations o ON o.id = i.owner_agency_id
            WHERE NOT p.confidential AND i.removed_at IS NULL ORDER BY p.code, i.code`,
        );
      case 'tranches':
        return this.db.query(
          `SELECT p.code AS project_code, t.number, t.amount_rials::text, t.state, t.created_at::text, t.released_at::text
             FROM tranches t JOIN projects p ON p.id = t.project_id WHERE NOT p.confidential ORDER BY p.code, t.number`,
        );
      case 'releases':
        return this.db.query(
          `SELECT p.code AS project_code, t.number AS tranche, e.amount_rials::text, e.created_at::text AS released_at
             FROM ledger_entries e JOIN tranches t ON t.id = e.tranche_id JOIN projects p ON p.id = e.project_id
            WHERE NOT p.confidential ORDER BY e.created_at`,
        );
    }
  }

  /** Every public table (the XLSX workbook). */
  async openData(): Promise<Record<OpenDataTable, Table>> {
    const tables = await Promise.all(OPEN_DATA_TABLES.map((t) => this.openDataTable(t)));
    return Object.fromEntries(OPEN_DATA_TABLES.map((t, i) => [t, tables[i]])) as Record<OpenDataTable, Table>;
  }
}
