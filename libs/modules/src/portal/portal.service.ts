import { Injectable } from '@nestjs/common';
import { encodeCursor, hundredthsToNumber, rialsToString, progressFromSums, rollUpFromSums, selfDeclaredProgress, toAsciiDigits, type ProgressRollUp } from '@pelekan/core';
import { pageRequest } from '../common/paging.dto';
import { ActionPlansService } from '../action-plans/action-plans.service';
import { NotFound } from '../common/errors';
import { AppConfig, durationMs } from '../config';
import { Database } from '../database/database';
import {
  PublicAgencyProgressView,
  PublicFiguresTotalsView,
  PublicFiguresView,
  PublicItemView,
  PublicPortfolioSummaryView,
  PublicPortfolioView,
  PublicProgressRollUpView,
  PublicProjectDetailView,
  PublicProjectPageView,
  PublicProjectQueryDto,
  PublicProjectView,
  PublicTrancheView,
} from './dto';
import { PORTAL_SORTS } from './portal-figures.sql';
import type { EntityManager } from 'typeorm';
import { PortalRepository, PublicItemRow, PublicProjectRow, type PortfolioFiguresRow, type PublicTrancheRow } from './portal.repository';
import { publicProgress } from './public-progress';
import { ResultsRelease } from '../tranches/results-release';

const byCode = new Intl.Collator('en', { numeric: true });
const HISTORY_LIMIT = 200;

const percentOrNull = (hundredths: number | null) => (hundredths === null ? null : hundredthsToNumber(hundredths));

function rollUpView(r: ProgressRollUp): PublicProgressRollUpView {
  return {
    counted: r.counted,
    verifiedPercent: percentOrNull(r.verified),
    selfDeclaredPercent: percentOrNull(r.selfDeclared),
    gapPercent: percentOrNull(r.gap),
  };
}

/** A set of portfolios' figures added up: counts and rials exactly, progress by the core roll-up over the summed hundredths. */
function totals(groups: PortfolioFiguresRow[]): PublicFiguresTotalsView {
  const sum = (pick: (g: PortfolioFiguresRow) => number) => groups.reduce((s, g) => s + pick(g), 0);
  const rials = (pick: (g: PortfolioFiguresRow) => string) => groups.reduce((s, g) => s + BigInt(pick(g)), 0n).toString();
  return {
    projects: sum((g) => g.projects),
    confidential: sum((g) => g.confidential),
    budgetRials: rials((g) => g.budgetRials),
    budgeted: sum((g) => g.budgeted),
    releasedRials: rials((g) => g.releasedRials),
    stale: sum((g) => g.stale),
    monitoringPaused: sum((g) => g.paused),
    repeats: sum((g) => g.repeats),
    progress: rollUpView(
      rollUpFromSums({
        counted: sum((g) => g.counted),
        verifiedSum: sum((g) => Number(g.verifiedSum)),
        selfDeclaredSum: sum((g) => Number(g.selfDeclaredSum)),
      }),
    ),
  };
}

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

  /** The headline figures, over every project and per portfolio (set-based SQL, core roll-ups). */
  async figures(): Promise<PublicFiguresView> {
    const at = new Date();
    const groups = await this.repository.portfolioFigures(this.db.reader, this.staleCutoff(at));
    return {
      ...totals(groups),
      portfolios: groups.map((g) => ({
        id: g.id,
        code: g.code,
        nameFa: g.nameFa,
        nameEn: g.nameEn,
        synthetic: g.synthetic,
        monitoringPausedAt: g.monitoringPausedAt,
        ...totals([g]),
      })),
      at,
    };
  }

  /** Self-declared against verified progress per agency, over the projects each leads. */
  async progressByAgency(): Promise<PublicAgencyProgressView[]> {
    const found = await this.repository.agencyFigures(this.db.reader, this.staleCutoff(new Date()));
    return found.map((a) => ({
      code: a.code,
      nameFa: a.nameFa,
      nameEn: a.nameEn,
      projects: a.projects,
      progress: rollUpView(rollUpFromSums({ counted: a.counted, verifiedSum: Number(a.verifiedSum), selfDeclaredSum: Number(a.selfDeclaredSum) })),
    }));
  }

  /** The public project list: searched, filtered and sorted in the database, keyset-paged. */
  async projectList(query: PublicProjectQueryDto): Promise<PublicProjectPageView> {
    const sort = query.sort ?? 'code';
    const descending = query.order === 'desc';
    const list = `public-projects:${sort}:${descending ? 'desc' : 'asc'}`;
    const { limit, after } = pageRequest(query, list, [PORTAL_SORTS[sort].part, 'uuid']);
    const now = new Date();
    const q = query.q?.trim() ? { text: query.q.trim(), ascii: toAsciiDigits(query.q.trim()) } : null;
    const m = this.db.reader;
    const keys = await this.repository.projectPage(m, {
      staleCutoff: this.staleCutoff(now),
      q,
      portfolioId: query.portfolioId ?? null,
      agency: query.agency ?? null,
      stale: query.stale ?? null,
      repeat: query.repeat ?? null,
      sort,
      descending,
      after,
      limit,
    });
    const shown = keys.slice(0, limit);
    const byId = new Map((await this.repository.projectsById(m, shown.map((k) => k.id))).map((r) => [r.id, r]));
    const last = shown[shown.length - 1];
    return {
      items: shown.map((k) => this.projectView(byId.get(k.id)!, now)),
      next: keys.length > limit ? encodeCursor(list, [last.key, last.id]) : null,
    };
  }

  private staleCutoff(now: Date): Date {
    return new Date(now.getTime() - this.staleAfterMs);
  }

  async project(id: string): Promise<PublicProjectDetailView> {
    const m = this.db.reader;
    const header = await this.repository.projectHeader(m, id);
    if (!header) throw new NotFound('project', id);
    const [found] = await this.repository.projects(m, { portfolioId: header.portfolioId, projectId: id });
    if (!found) throw new NotFound('project', id);
    const summary = this.projectView(found, new Date());
    if (header.confidential) return { ...summary, items: [], links: [], tranches: [], history: [] };
    const [items, links, tranches, history] = await Promise.all([
      this.repository.items(m, id),
      this.plans.linksTouching(id),
      this.repository.tranches(m, id),
      this.repository.history(m, id, HISTORY_LIMIT),
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
      history,
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
      ...this.selfDeclared(r),
      monitoringPaused: r.monitoringPaused,
      lastVerifiedAt: r.lastVerifiedAt,
      agencies: r.agencies.map((a) => ({ code: a.code, nameFa: a.nameFa, nameEn: a.nameEn, role: a.role })),
    };
  }

  /** The self-declared side of the gap (core `selfDeclaredProgress`) and the gap; nothing for a confidential project. */
  private selfDeclared(r: PublicProjectRow): Pick<PublicProjectView, 'selfDeclaredPercent' | 'selfDeclaredSource' | 'gapPercent'> {
    if (r.confidential) return { selfDeclaredPercent: null, selfDeclaredSource: null, gapPercent: null };
    const declared = selfDeclaredProgress({
      weightSum: r.weightSum,
      declaredWeighted: r.declaredWeighted,
      reportedPercent: r.selfDeclared?.actualProgressPct ?? null,
    });
    if (!declared) return { selfDeclaredPercent: null, selfDeclaredSource: null, gapPercent: null };
    const verified = progressFromSums({ weightSum: r.weightSum, weightedSum: r.verifiedWeighted });
    return {
      selfDeclaredPercent: hundredthsToNumber(declared.hundredths),
      selfDeclaredSource: declared.source,
      gapPercent: hundredthsToNumber(declared.hundredths - verified),
    };
  }
}
