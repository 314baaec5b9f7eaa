import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { pageOf, rialsToString, waitsOn, type ReleaseWaitReason } from '@pelekan/core';
import { NotFound } from '../common/errors';
import { pageRequest } from '../common/paging.dto';
import { Database } from '../database/database';
import type { TrancheQueryDto } from './dto';
import { HoldsRepository, type CommitteeHold } from './holds.repository';
import { InstallmentsRepository } from './installments.repository';
import { ResultsRelease, type ReleaseStanding } from './results-release';
import { TranchesRepository, type TrancheRow } from './tranches.repository';
import { TrancheViewsRepository, type GateItemRow } from './tranche-views.repository';
import type { TrancheGateItemView, TranchePageView, TrancheSummaryView, TrancheView } from './views.dto';
import { groupBy } from '../common/group-by';

/** What the API shows of tranches: the release pipeline and each tranche in full. Reads only. */
@Injectable()
export class TrancheReadModel {
  constructor(
    private readonly db: Database,
    private readonly tranches: TranchesRepository,
    private readonly views: TrancheViewsRepository,
    private readonly holds: HoldsRepository,
    private readonly installments: InstallmentsRepository,
    private readonly results: ResultsRelease,
  ) {}

  /** The tranche, or 404 (inside a transaction, pass its manager). */
  async require(id: string, manager?: EntityManager): Promise<TrancheRow> {
    const tranche = await this.tranches.find(manager ?? this.db.reader, id);
    if (!tranche) throw new NotFound('tranche', id);
    return tranche;
  }

  /** The tranche with what it funds, what gates it, what it still waits on, and its history. */
  async get(id: string): Promise<TrancheView> {
    const m = this.db.reader;
    const tranche = await this.require(id, m);
    const [funded, gate, history, ledgerEntry, allocations, gateChanges, holds, standings, paid, decisions, carriedIn] = await Promise.all([
      this.views.fundedItems(m, id),
      this.views.gateItems(m, [id]),
      this.views.history(m, id),
      this.views.ledgerEntry(m, id),
      this.views.allocations(m, id),
      this.views.gateChanges(m, id),
      this.holds.active(m, [tranche.projectId]),
      this.results.standings(m, [tranche]),
      this.installments.installments(m, [id]),
      this.installments.decisionsOf(m, id),
      this.installments.carriedInto(m, id),
    ]);
    const standing = standings.get(id)!;
    const { next, summary: money } = standing;
    return {
      ...summary(tranche, gate, holds, standing),
      earnedRials: rialsToString(money.earnedRials),
      shortfallRials: rialsToString(money.shortfallRials),
      fundedVerifiedHundredths: money.fundedVerifiedHundredths,
      installments: paid.map((p) => ({
        number: p.number,
        amountRials: rialsToString(p.amountRials),
        state: 'released' as const,
        approvedBy: p.approvedBy,
        approvedByName: p.approvedByName,
        ledgerEntryId: p.ledgerEntryId,
        releasedAt: p.releasedAt,
      })),
      nextInstallment:
        next.kind === 'pay' || next.kind === 'wait'
          ? {
              number: paid.length + 1,
              payableRials: next.kind === 'pay' ? rialsToString(next.amountRials) : '0',
              final: next.kind === 'pay' && next.final,
              waitingFor: next.kind === 'wait' ? next.wait : null,
              moreToEarnRials: moreToEarn(standing),
            }
          : null,
      remainderDecisions: decisions.map(({ trancheId: _t, closeReason: _c, ...d }) => ({
        ...d,
        remainderRials: d.remainderRials === null ? null : rialsToString(d.remainderRials),
      })),
      carriedIn: carriedIn.map((c) => ({ ...c, amountRials: rialsToString(c.amountRials) })),
      fundedItems: funded.map((f) => ({ ...f, budgetRials: rialsToString(f.budgetRials) })),
      gate: gate.map(gateItemView),
      allocations: allocations.map((a) => ({ ...a, amountRials: rialsToString(a.amountRials) })),
      history,
      gateChanges,
      ledgerEntry: ledgerEntry && { ...ledgerEntry, amountRials: rialsToString(ledgerEntry.amountRials) },
    };
  }

  /** The release pipeline: tranches newest first, a page at a time, each with what it waits on. */
  async list(query: TrancheQueryDto): Promise<TranchePageView> {
    const { limit, after } = pageRequest(query, 'tranches', ['instant', 'uuid']);
    const found = await this.tranches.page(
      this.db.reader,
      { state: query.state, projectId: query.projectId, portfolioId: query.portfolioId },
      limit + 1,
      after && [String(after[0]), String(after[1])],
    );
    const page = pageOf(found, limit, 'tranches', (t) => [t.cursorAt, t.id]);
    return { items: await this.summaries(page.items), next: page.next };
  }

  /** Every tranche of a project, newest first, each with what it waits on. */
  async ofProject(projectId: string): Promise<TrancheSummaryView[]> {
    return this.summaries(await this.tranches.ofProject(this.db.reader, projectId));
  }

  /** Two reads for any number of tranches: their gating items and the holds on their projects. */
  private async summaries(tranches: TrancheRow[]): Promise<TrancheSummaryView[]> {
    if (tranches.length === 0) return [];
    const m = this.db.reader;
    const [gates, holds, standings] = await Promise.all([
      this.views.gateItems(m, tranches.map((t) => t.id)),
      this.holds.active(m, [...new Set(tranches.map((t) => t.projectId))]),
      // Only results-based tranches need judging for what they wait on.
      this.results.standings(m, tranches.filter((t) => ResultsRelease.isResultsBased(t) && t.state === 'waiting_on_items')),
    ]);
    const gateOf = groupBy(gates, (g) => g.trancheId);
    const holdsOf = groupBy(holds, (h) => h.projectId);
    return tranches.map((t) => summary(t, gateOf.get(t.id) ?? [], holdsOf.get(t.projectId) ?? [], standings.get(t.id)));
  }
}


/** pro_rata below its minimum installment: how much more the verified work must earn. */
function moreToEarn({ rule, next, summary: money }: ReleaseStanding): string | null {
  if (rule.kind !== 'pro_rata' || next.kind !== 'wait' || next.wait !== 'below_minimum') return null;
  return rialsToString(rule.minInstallmentRials - (money.earnedRials - money.releasedRials));
}

function summary(t: TrancheRow, gate: GateItemRow[], holds: CommitteeHold[], standing?: ReleaseStanding): TrancheSummaryView {
  const releaseWait: ReleaseWaitReason | undefined = standing?.next.kind === 'wait' ? standing.next.wait : undefined;
  return {
    id: t.id,
    projectId: t.projectId,
    number: t.number,
    title: t.title,
    amountRials: rialsToString(t.amountRials),
    state: t.state,
    stateChangedAt: t.stateChangedAt,
    createdBy: t.createdBy,
    createdAt: t.createdAt,
    releasedAt: t.releasedAt,
    committeeHolds: holds,
    releaseRule: t.releaseRule,
    dueAt: t.dueAt,
    releasedRials: rialsToString(t.releasedRials),
    undisbursedRials: rialsToString(t.state === 'lapsed' ? t.amountRials - t.releasedRials - t.givenUpRials : 0n),
    waitsOn: waitsOn(t, gate, holds, releaseWait),
  };
}

function gateItemView({ trancheId: _tranche, ...item }: GateItemRow): TrancheGateItemView {
  return item;
}
