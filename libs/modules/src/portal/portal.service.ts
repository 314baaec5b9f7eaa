import { Injectable } from '@nestjs/common';
import { hundredthsToNumber, rialsToString } from '@pelekan/core';
import { ActionPlansService } from '../action-plans/action-plans.service';
import { NotFound } from '../common/errors';
import { AppConfig, durationMs } from '../config';
import { Database } from '../database/database';
import { PublicItemView, PublicPortfolioSummaryView, PublicPortfolioView, PublicProjectDetailView, PublicProjectView, PublicTrancheView } from './dto';
import type { EntityManager } from 'typeorm';
import { PortalRepository, PublicItemRow, PublicProjectRow, type PublicTrancheRow } from './portal.repository';
import { publicProgress } from './public-progress';
import { ResultsRelease } from '../tranches/results-release';

const byCode = new Intl.Collator('en', { numeric: true });

function itemView(i: PublicItemRow): PublicItemView {
  return {
    id: i.id,
    code: i.code,
    titleFa: i.titleFa,
    titleEn: i.titleEn,
    weight: hundredthsToNumber(i.weightHundredths),
    plannedStart: i.plannedStart,
    dueAt: i.dueAt,
    budgetRials: i.budgetRials,
    verifiedPercent: i.verifiedPercent,
    declaredPercent: i.declaredPercent,
    lastVerifiedAt: i.lastVerifiedAt,
    ownerAgency: { code: i.ownerAgency.code, nameFa: i.ownerAgency.nameFa, nameEn: i.ownerAgency.nameEn },
    fundedByTranches: i.fundedByTranches,
  };
}

/**
 * The transparency portal: what the public may read, without logging in. Confidential projects show
 * only their name and agencies. Agencies' own figures from the report are labelled self-declared.
 */
@Injectable()
export class PortalService {
  private readonly staleAfterMs: number;

  constructor(
    private readonly db: Database,
    private readonly repository: PortalRepository,
    private readonly plans: ActionPlansService,
    private readonly results: ResultsRelease,
    config: AppConfig,
  ) {
    this.staleAfterMs = durationMs(config.STALE_AFTER);
  }

  async portfolios(): Promise<PublicPortfolioSummaryView[]> {
    return this.repository.portfolioSummaries(this.db.reader);
  }

  async portfolio(id: string): Promise<PublicPortfolioView> {
    const m = this.db.reader;
    const portfolio = await this.repository.portfolio(m, id);
    if (!portfolio) throw new NotFound('portfolio', id);
    const [projects, monitoringHistory] = await Promise.all([this.projects(id), this.repository.monitoringHistory(m, id)]);
    return { ...portfolio, monitoringHistory, projects };
  }

  /** Projects of one portfolio, or all of them (null), by code. */
  async projects(portfolioId: string | null): Promise<PublicProjectView[]> {
    const found = await this.repository.projects(this.db.reader, { portfolioId });
    const now = new Date();
    return found.map((r) => this.projectView(r, now)).sort((a, b) => byCode.compare(a.code, b.code));
  }

  async project(id: string): Promise<PublicProjectDetailView> {
    const m = this.db.reader;
    const header = await this.repository.projectHeader(m, id);
    if (!header) throw new NotFound('project', id);
    const [found] = await this.repository.projects(m, { portfolioId: header.portfolioId, projectId: id });
    if (!found) throw new NotFound('project', id);
    const summary = this.projectView(found, new Date());
    if (header.confidential) return { ...summary, items: [], links: [], tranches: [] };
    const [items, links, tranches] = await Promise.all([
      this.repository.items(m, id),
      this.plans.linksTouching(id),
      this.repository.tranches(m, id),
    ]);
    return {
      ...summary,
      items: items.map(itemView),
      links: links.map((l) => ({
        fromItemId: l.fromItemId,
        toItemId: l.toItemId,
        from: l.from,
        to: l.to,
        fromProjectId: l.fromProjectId,
        toProjectId: l.toProjectId,
        fromProjectCode: l.fromProjectCode,
        toProjectCode: l.toProjectCode,
      })),
      tranches: await this.trancheViews(m, tranches),
    };
  }

  /** Each tranche with what it released against what its verified work earned (core release rules). */
  private async trancheViews(m: EntityManager, tranches: PublicTrancheRow[]): Promise<PublicTrancheView[]> {
    const standings = await this.results.standings(
      m,
      tranches.map((t) => ({ ...t, amountRials: BigInt(t.amountRials) })),
    );
    return tranches.map(({ id, releaseRule, ...t }) => ({
      ...t,
      releaseRule: releaseRule.kind,
      earnedRials: rialsToString(standings.get(id)!.summary.earnedRials),
    }));
  }

  /** A project as the portal shows it (progress and freshness by the core rules). */
  projectView(r: PublicProjectRow, now: Date): PublicProjectView {
    return {
      id: r.id,
      code: r.code,
      nameFa: r.nameFa,
      nameEn: r.nameEn,
      portfolioId: r.portfolioId,
      confidential: r.confidential,
      synthetic: r.synthetic,
      selfDeclared: r.selfDeclared,
      repeats: r.repeats,
      budgetRials: r.budgetRials,
      releasedRials: r.releasedRials,
      ...publicProgress(r, now, this.staleAfterMs),
      lastVerifiedAt: r.lastVerifiedAt,
      agencies: r.agencies.map((a) => ({ code: a.code, nameFa: a.nameFa, nameEn: a.nameEn, role: a.role })),
    };
  }
}
