import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { chainGate, gateDiff, OPEN_TRANCHE_STATES } from '@pelekan/core';
import { InvalidInput } from '../common/errors';
import { Database } from '../database/database';
import { type ChainLinkRow, GatesRepository } from './gates.repository';
import type { TrancheRef } from './tranches.repository';
import { TrancheWorkflows } from './tranche-workflows';
import { groupBy } from '../common/group-by';

export type { TrancheRef } from './tranches.repository';

/** The chain gate of what a tranche funds, from the links into those items; refuses funding an item with its predecessor. */
function chainGateFrom(fundedItemIds: string[], links: ChainLinkRow[]): string[] {
  const { gate, fundsAcrossLink } = chainGate(fundedItemIds, links);
  if (fundsAcrossLink.length > 0) {
    const l = links.find((x) => x.from === fundsAcrossLink[0].from && x.to === fundsAcrossLink[0].to)!;
    throw InvalidInput.field(
      'fundedItemIds',
      `the tranche would fund item ${l.toCode} together with its predecessor ${l.fromCode}; ` +
        `by the action chain, ${l.toCode}'s money waits until ${l.fromCode} is 100% verified, so fund them in separate tranches`,
    );
  }
  return gate;
}


/** Why a tranche's gate changed: only these three paths may change it, and each is recorded. */
export interface GateChangeCause {
  kind: 'prerequisite_added' | 'prerequisite_removed' | 'plan_revision';
  actorId: string;
  /** The plan revision, when one caused it. */
  causeId?: string;
  reason?: string;
}

/** How a tranche's gate would change (items by id). */
export interface GateChange {
  trancheId: string;
  trancheNumber: number;
  projectCode: string;
  createdBy: string;
  added: string[];
  removed: string[];
}

/**
 * The gates of open tranches: computed by the action-chain rule when a tranche is created, and
 * recomputed when the plan or a prerequisite changes. A gate shrinks only through a committee-approved
 * plan revision; every change is written to `tranche_gate_changes` with who and why.
 */
@Injectable()
export class TrancheGates {
  private readonly logger = new Logger(TrancheGates.name);

  constructor(
    private readonly db: Database,
    private readonly gates: GatesRepository,
    private readonly workflows: TrancheWorkflows,
  ) {}

  /** Gate by the action-chain rule; refuses funding an item together with its predecessor. */
  async chainGateOf(tx: EntityManager, fundedItemIds: string[]): Promise<string[]> {
    return chainGateFrom(fundedItemIds, await this.gates.linksInto(tx, fundedItemIds));
  }

  /**
   * How the gates of the open tranches touching these projects (funding their items, or gated on
   * them) would change if recomputed now, inside `tx`: the chain gate of what each funds, plus the
   * items added by hand that were not retired since. Changes nothing. Three reads however many tranches.
   */
  async pendingChanges(tx: EntityManager, projectIds: string[]): Promise<GateChange[]> {
    const tranches = await this.gates.tranchesTouching(tx, projectIds, OPEN_TRANCHE_STATES);
    if (tranches.length === 0) return [];
    const items = groupBy(await this.gates.itemsOf(tx, tranches.map((t) => t.id)), (r) => r.trancheId);
    const fundedOf = (trancheId: string) => (items.get(trancheId) ?? []).filter((r) => r.role === 'funds').map((r) => r.itemId);
    const links = groupBy(await this.gates.linksInto(tx, [...new Set(tranches.flatMap((t) => fundedOf(t.id)))]), (l) => l.to);
    const changes: GateChange[] = [];
    for (const tranche of tranches) {
      const mine = items.get(tranche.id) ?? [];
      const funded = fundedOf(tranche.id);
      const current = mine.filter((r) => r.role === 'gate').map((r) => r.itemId);
      const additional = mine.filter((r) => r.role === 'gate' && r.source === 'additional' && !r.removed).map((r) => r.itemId);
      const chain = chainGateFrom(funded, funded.flatMap((f) => links.get(f) ?? []));
      const { added, removed } = gateDiff(current, [...chain, ...additional]);
      if (added.length || removed.length) {
        changes.push({
          trancheId: tranche.id,
          trancheNumber: tranche.number,
          projectCode: tranche.projectCode,
          createdBy: tranche.createdBy,
          added,
          removed,
        });
      }
    }
    return changes;
  }

  /** Writes the changes and their causes (three statements for all of them); returns the tranches to wake once the transaction commits. */
  async apply(tx: EntityManager, changes: GateChange[], cause: GateChangeCause): Promise<TrancheRef[]> {
    if (changes.length === 0) return [];
    const pairs = (pick: (c: GateChange) => string[]) => changes.flatMap((c) => pick(c).map((itemId) => ({ trancheId: c.trancheId, itemId })));
    await this.gates.removeGateItems(tx, pairs((c) => c.removed));
    await this.gates.addChainGateItems(tx, pairs((c) => c.added));
    await this.gates.recordChanges(
      tx,
      changes.map((c) => ({ trancheId: c.trancheId, added: c.added, removed: c.removed })),
      { actorId: cause.actorId, cause: cause.kind, causeId: cause.causeId ?? null, reason: cause.reason ?? null },
    );
    return changes.map((c) => ({ id: c.trancheId, createdBy: c.createdBy }));
  }

  /** Recomputes and records the gates of the open tranches touching these projects. */
  async regate(tx: EntityManager, projectIds: string[], cause: GateChangeCause): Promise<TrancheRef[]> {
    return this.apply(tx, await this.pendingChanges(tx, projectIds), cause);
  }

  /** Wakes tranche workflows after their gate changed (post-commit; a lost wake-up only waits for the re-check). */
  async nudge(tranches: TrancheRef[]): Promise<void> {
    await Promise.all(
      tranches.map((t) =>
        this.workflows.gateChanged(t).catch((e) => this.logger.warn(`could not wake tranche ${t.id}: ${(e as Error).message}`)),
      ),
    );
  }

  /** Wakes the open tranches gated on these items (their verification changed; after the commit). */
  async nudgeTranchesGatedBy(itemIds: string[]): Promise<void> {
    await this.nudge(await this.gates.tranchesGatedBy(this.db.reader, itemIds, OPEN_TRANCHE_STATES));
  }
}
