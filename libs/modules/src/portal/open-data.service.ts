import { Injectable } from '@nestjs/common';
import { Database } from '../database/database';
import type { Table } from './open-data';
import { PortalRepository } from './portal.repository';
import { PortalService } from './portal.service';

export const OPEN_DATA_TABLES = ['portfolios', 'projects', 'items', 'tranches', 'releases'] as const;
export type OpenDataTable = (typeof OPEN_DATA_TABLES)[number];
/** Open data is rebuilt at least this often, even without a change (staleness depends on the clock). */
export const OPEN_DATA_MAX_AGE_MS = 5 * 60_000;

/** The portal's data as flat public tables, for CSV, JSON and the XLSX workbook. */
@Injectable()
export class OpenDataService {
  constructor(
    private readonly db: Database,
    private readonly repository: PortalRepository,
    private readonly portal: PortalService,
  ) {}

  /**
   * What the public data looks like now: the audit chain's head moves with every committed change
   * of any domain table, and the time bucket lets time-derived flags (stale) refresh on their own.
   */
  async dataVersion(): Promise<string> {
    const head = await this.repository.auditHead(this.db.reader);
    return `${head}.${Math.floor(Date.now() / OPEN_DATA_MAX_AGE_MS)}`;
  }

  /** One public table. Only the table asked for is built. */
  async table(table: OpenDataTable): Promise<Table> {
    const m = this.db.reader;
    switch (table) {
      case 'portfolios':
        return this.repository.portfoliosTable(m);
      case 'projects':
        return (await this.portal.projects(null)).map((p) => ({
          portfolio_id: p.portfolioId,
          code: p.code,
          name_fa: p.nameFa,
          name_en: p.nameEn,
          lead_agency_en: p.agencies.find((a) => a.role === 'lead')?.nameEn ?? null,
          collaborating_agencies_en: p.agencies
            .filter((a) => a.role !== 'lead')
            .map((a) => a.nameEn)
            .join('; '),
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
        return this.repository.itemsTable(m);
      case 'tranches':
        return this.repository.tranchesTable(m);
      case 'releases':
        return this.repository.releasesTable(m);
    }
  }

  /** Every public table (the XLSX workbook). */
  async all(): Promise<Record<OpenDataTable, Table>> {
    const tables = await Promise.all(OPEN_DATA_TABLES.map((t) => this.table(t)));
    return Object.fromEntries(OPEN_DATA_TABLES.map((t, i) => [t, tables[i]])) as Record<OpenDataTable, Table>;
  }
}
