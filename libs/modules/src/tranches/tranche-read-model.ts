import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { pageOf, rialsToString, waitsOn } from '@pelekan/core';
import { NotFound } from '../common/errors';
import { pageRequest } from '../common/paging.dto';
import { Database } from '../database/database';
import type { TrancheQueryDto } from './dto';
import { HoldsRepository, type CommitteeHold } from './holds.repository';
import { TranchesRepository, type TrancheRow } from './tranches.repository';
import { TrancheViewsRepository, type GateItemRow } from './tranche-views.repository';
import type { TrancheGateItemView, TranchePageView, TrancheSummaryView, TrancheView } from './views.dto';

/** What the API shows of tranches: the release pipeline and each tranche in full. Reads only. */
@Injectable()
export class TrancheReadModel {
  constructor(
    private readonly db: Database,
    private readonly tranches: TranchesRepository,
    private readonly views: TrancheViewsRepository,
    private readonly holds: HoldsRepository,
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
    const [funded, gate, history, ledgerEntry, allocations, gateChanges, holds] = await Promise.all([
      this.views.fundedItems(m, id),
      this.views.gateItems(m, [id]),
      this.views.history(m, id),
      this.views.ledgerEntry(m, id),
      this.views.allocations(m, id),
      this.views.gateChanges(m, id),
      this.holds.active(m, [tranche.projectId]),
    ]);
    return {
      ...summary(tranche, gate, holds),
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
    const [gates, holds] = await Promise.all([
      this.views.gateItems(m, tranches.map((t) => t.id)),
      this.holds.active(m, [...new Set(tranches.map((t) => t.projectId))]),
    ]);
    const gateOf = groupBy(gates, (g) => g.trancheId);
    const holdsOf = groupBy(holds, (h) => h.projectId);
    return tranches.map((t) => summary(t, gateOf.get(t.id) ?? [], holdsOf.get(t.projectId) ?? []));
  }
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}

function summary(t: TrancheRow, gate: GateItemRow[], holds: CommitteeHold[]): TrancheSummaryView {
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
    waitsOn: waitsOn(t, gate, holds),
  };
}

function gateItemView({ trancheId: _tranche, ...item }: GateItemRow): TrancheGateItemView {
  return item;
}
