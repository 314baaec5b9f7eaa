import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { TrancheState } from '@pelekan/core';
import { rows } from '../database/database';
import type { TrancheRef } from './tranches.repository';

export interface ChainLinkRow {
  from: string;
  to: string;
  fromCode: string;
  toCode: string;
}

export interface OpenTrancheRow {
  id: string;
  number: number;
  projectCode: string;
  createdBy: string;
}

export interface TrancheItemRow {
  trancheId: string;
  itemId: string;
  role: 'funds' | 'gate';
  source: 'chain' | 'additional' | null;
  /** The item was retired from its plan. */
  removed: boolean;
}

/** A gating item's verification, as the gate rule reads it. */
export interface GateVerificationRow {
  itemId: string;
  code: string;
  verifiedPercent: number;
}

export interface GateChangeRecord {
  trancheId: string;
  actorId: string;
  cause: 'prerequisite_added' | 'prerequisite_removed' | 'plan_revision';
  causeId: string | null;
  added: string[];
  removed: string[];
  reason: string | null;
}

/** The gates of tranches: the links they derive from, their items, and the record of their changes. */
@Injectable()
export class GatesRepository {
  /** The live links into these items (their predecessors, with codes for messages). */
  async linksInto(m: EntityManager, itemIds: string[]): Promise<ChainLinkRow[]> {
    return rows<ChainLinkRow>(
      m,
      `SELECT l.from_item_id AS "from", l.to_item_id AS "to", f.code AS "fromCode", t.code AS "toCode"
         FROM action_links l JOIN action_items f ON f.id = l.from_item_id JOIN action_items t ON t.id = l.to_item_id
        WHERE l.to_item_id = ANY($1::uuid[]) AND f.removed_at IS NULL AND t.removed_at IS NULL`,
      [itemIds],
    );
  }

  /** Tranches in `states` funding or gated on an item of these projects, by id. */
  async tranchesTouching(m: EntityManager, projectIds: string[], states: readonly TrancheState[]): Promise<OpenTrancheRow[]> {
    return rows<OpenTrancheRow>(
      m,
      `SELECT DISTINCT t.id, t.number, p.code AS "projectCode", t.created_by AS "createdBy"
         FROM tranches t JOIN projects p ON p.id = t.project_id
         JOIN tranche_items ti ON ti.tranche_id = t.id
         JOIN action_items i ON i.id = ti.item_id
        WHERE i.project_id = ANY($1::uuid[]) AND t.state = ANY($2::text[])
        ORDER BY t.id`,
      [projectIds, states],
    );
  }

  async itemsOf(m: EntityManager, trancheIds: string[]): Promise<TrancheItemRow[]> {
    return rows<TrancheItemRow>(
      m,
      `SELECT ti.tranche_id AS "trancheId", ti.item_id AS "itemId", ti.role, ti.source, i.removed_at IS NOT NULL AS removed
         FROM tranche_items ti JOIN action_items i ON i.id = ti.item_id WHERE ti.tranche_id = ANY($1::uuid[])`,
      [trancheIds],
    );
  }

  /** Drops these (tranche, item) pairs from the tranches' gates. */
  async removeGateItems(m: EntityManager, pairs: ReadonlyArray<{ trancheId: string; itemId: string }>): Promise<void> {
    if (pairs.length === 0) return;
    await m.query(
      `DELETE FROM tranche_items ti USING unnest($1::uuid[], $2::uuid[]) AS x(tranche_id, item_id)
        WHERE ti.tranche_id = x.tranche_id AND ti.item_id = x.item_id AND ti.role = 'gate'`,
      [pairs.map((p) => p.trancheId), pairs.map((p) => p.itemId)],
    );
  }

  /** Adds these (tranche, item) pairs to the tranches' gates, as chain gates. */
  async addChainGateItems(m: EntityManager, pairs: ReadonlyArray<{ trancheId: string; itemId: string }>): Promise<void> {
    if (pairs.length === 0) return;
    await m.query(
      `INSERT INTO tranche_items (tranche_id, item_id, role, source)
       SELECT x.tranche_id, x.item_id, 'gate', 'chain' FROM unnest($1::uuid[], $2::uuid[]) AS x(tranche_id, item_id)
       ON CONFLICT (tranche_id, item_id, role) DO NOTHING`,
      [pairs.map((p) => p.trancheId), pairs.map((p) => p.itemId)],
    );
  }

  /** Records each tranche's gate change, in the order given, all for the same cause. */
  async recordChanges(
    m: EntityManager,
    changes: ReadonlyArray<{ trancheId: string; added: string[]; removed: string[] }>,
    cause: Omit<GateChangeRecord, 'trancheId' | 'added' | 'removed'>,
  ): Promise<void> {
    if (changes.length === 0) return;
    await m.query(
      `INSERT INTO tranche_gate_changes (tranche_id, actor_id, cause, cause_id, added_item_ids, removed_item_ids, reason)
       SELECT x.tranche_id, $4, $5, $6, string_to_array(x.added, ',')::uuid[], string_to_array(x.removed, ',')::uuid[], $7
         FROM unnest($1::uuid[], $2::text[], $3::text[]) WITH ORDINALITY AS x(tranche_id, added, removed, n)
        ORDER BY x.n`,
      [
        changes.map((c) => c.trancheId),
        changes.map((c) => c.added.join(',')),
        changes.map((c) => c.removed.join(',')),
        cause.actorId,
        cause.cause,
        cause.causeId,
        cause.reason,
      ],
    );
  }

  /**
   * Tranches in `states` gated on one of these items, or funding one under a rule that pays by progress
   * (pro_rata, banded): a verification of either may change what they pay.
   */
  async tranchesGatedBy(m: EntityManager, itemIds: string[], states: readonly TrancheState[]): Promise<TrancheRef[]> {
    return rows<TrancheRef>(
      m,
      `SELECT DISTINCT t.id, t.created_by AS "createdBy" FROM tranche_items ti JOIN tranches t ON t.id = ti.tranche_id
        WHERE ti.item_id = ANY($1::uuid[]) AND t.state = ANY($2::text[])
          AND (ti.role = 'gate' OR t.release_rule->>'kind' <> 'all_or_nothing')`,
      [itemIds, states],
    );
  }

  /**
   * Open tranches (with a workflow) whose gate moved within `lookback` — a gating item's verified
   * percent changed, or the gate itself was changed — and whose state disagrees with the gate now:
   * waiting on items with every gating item 100% verified (opened), or awaiting a decision with one
   * below (closed). The SQL form of `evaluateGate`, set-based, for the gate reconciler.
   */
  async tranchesWithMovedGate(
    m: EntityManager,
    o: { lookback: string; waiting: TrancheState; deciding: readonly TrancheState[]; limit: number },
  ): Promise<TrancheRef[]> {
    return rows<TrancheRef>(
      m,
      `WITH moved AS (
         SELECT ti.tranche_id FROM action_items i JOIN tranche_items ti ON ti.item_id = i.id AND ti.role = 'gate'
          WHERE i.progress_moved_at >= now() - $1::interval
         UNION
         SELECT tranche_id FROM tranche_gate_changes WHERE at >= now() - $1::interval
       )
       SELECT t.id, t.created_by AS "createdBy" FROM tranches t JOIN moved ON moved.tranche_id = t.id
        WHERE t.workflow_started AND (t.state = $2 OR t.state = ANY($3::text[]))
          AND (t.state = $2) = NOT EXISTS (
                SELECT 1 FROM tranche_items g JOIN action_items gi ON gi.id = g.item_id
                 WHERE g.tranche_id = t.id AND g.role = 'gate' AND gi.verified_percent < 100)
        ORDER BY t.id LIMIT $4`,
      [o.lookback, o.waiting, o.deciding, o.limit],
    );
  }

  /**
   * The verification of the tranche's gating items. With `lock`, the items are share-locked until the
   * transaction ends, so a verification cannot be revoked between the payment's check and its commit.
   */
  async gateVerification(m: EntityManager, trancheId: string, lock = false): Promise<GateVerificationRow[]> {
    return rows<GateVerificationRow>(
      m,
      `SELECT i.id AS "itemId", i.code, i.verified_percent AS "verifiedPercent"
         FROM tranche_items ti JOIN action_items i ON i.id = ti.item_id
        WHERE ti.tranche_id = $1 AND ti.role = 'gate'${lock ? ' FOR SHARE OF i' : ''}`,
      [trancheId],
    );
  }
}
