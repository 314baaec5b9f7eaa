import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { chainGate, type TrancheState } from '@pelekan/core';
import { InvalidInput } from '../common/errors';
import { TrancheWorkflows } from './tranche-workflows';

export const OPEN_STATES: TrancheState[] = ['waiting_on_items', 'awaiting_approval', 'held', 'approved'];

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

export interface TrancheRef {
  id: string;
  createdBy: string;
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
    @InjectDataSource() private readonly db: DataSource,
    private readonly workflows: TrancheWorkflows,
  ) {}

  /** Gate by the action-chain rule; refuses funding an item together with its predecessor. */
  async chainGateOf(tx: EntityManager, fundedItemIds: string[]): Promise<string[]> {
    const links: Array<{ from: string; to: string; fromCode: string; toCode: string }> = await tx.query(
      `SELECT l.from_item_id AS "from", l.to_item_id AS "to", f.code AS "fromCode", t.code AS "toCode"
         FROM action_links l JOIN action_items f ON f.id = l.from_item_id JOIN action_items t ON t.id = l.to_item_id
        WHERE l.to_item_id = ANY($1::uuid[]) AND f.removed_at IS NULL AND t.removed_at IS NULL`,
      [fundedItemIds],
    );
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

  /**
   * How the gates of the open tranches touching these projects (funding their items, or gated on
   * them) would change if recomputed now, inside `tx`. Changes nothing.
   */
  async pendingChanges(tx: EntityManager, projectIds: string[]): Promise<GateChange[]> {
    const tranches: Array<{ id: string; number: number; projectCode: string; createdBy: string }> = await tx.query(
      `SELECT DISTINCT t.id, t.number, p.code AS "projectCode", t.created_by AS "createdBy"
         FROM tranches t JOIN projects p ON p.id = t.project_id
         JOIN tranche_items ti ON ti.tranche_id = t.id
         JOIN action_items i ON i.id = ti.item_id
        WHERE i.project_id = ANY($1::uuid[]) AND t.state = ANY($2::text[])
        ORDER BY t.id`,
      [projectIds, OPEN_STATES],
    );
    if (tranches.length === 0) return [];
    const rows: Array<{ trancheId: string; itemId: string; role: 'funds' | 'gate'; source: string | null; removed: boolean }> =
      await tx.query(
        `SELECT ti.tranche_id AS "trancheId", ti.item_id AS "itemId", ti.role, ti.source, i.removed_at IS NOT NULL AS removed
           FROM tranche_items ti JOIN action_items i ON i.id = ti.item_id WHERE ti.tranche_id = ANY($1::uuid[])`,
        [tranches.map((t) => t.id)],
      );
    const changes: GateChange[] = [];
    for (const tranche of tranches) {
      const mine = rows.filter((r) => r.trancheId === tranche.id);
      const funded = mine.filter((r) => r.role === 'funds').map((r) => r.itemId);
      const current = new Set(mine.filter((r) => r.role === 'gate').map((r) => r.itemId));
      const additional = mine.filter((r) => r.role === 'gate' && r.source === 'additional' && !r.removed).map((r) => r.itemId);
      const next = new Set([...(await this.chainGateOf(tx, funded)), ...additional]);
      const added = [...next].filter((i) => !current.has(i));
      const removed = [...current].filter((i) => !next.has(i));
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

  /** Writes the changes and their causes; returns the tranches to wake once the transaction commits. */
  async apply(tx: EntityManager, changes: GateChange[], cause: GateChangeCause): Promise<TrancheRef[]> {
    for (const change of changes) {
      if (change.removed.length) {
        await tx.query(`DELETE FROM tranche_items WHERE tranche_id = $1 AND role = 'gate' AND item_id = ANY($2::uuid[])`, [
          change.trancheId,
          change.removed,
        ]);
      }
      if (change.added.length) {
        await tx.query(
          `INSERT INTO tranche_items (tranche_id, item_id, role, source)
           SELECT $1, g, 'gate', 'chain' FROM unnest($2::uuid[]) AS g ON CONFLICT (tranche_id, item_id, role) DO NOTHING`,
          [change.trancheId, change.added],
        );
      }
      await tx.query(
        `INSERT INTO tranche_gate_changes (tranche_id, actor_id, cause, cause_id, added_item_ids, removed_item_ids, reason)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [change.trancheId, cause.actorId, cause.kind, cause.causeId ?? null, change.added, change.removed, cause.reason ?? null],
      );
    }
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

  /** Wakes the open tranches gated on these items (their verification changed). */
  async nudgeTranchesGatedBy(itemIds: string[]): Promise<void> {
    const tranches: TrancheRef[] = await this.db.query(
      `SELECT DISTINCT t.id, t.created_by AS "createdBy" FROM tranche_items ti JOIN tranches t ON t.id = ti.tranche_id
        WHERE ti.role = 'gate' AND ti.item_id = ANY($1::uuid[]) AND t.state = ANY($2::text[])`,
      [itemIds, OPEN_STATES],
    );
    await this.nudge(tranches);
  }

  /** Every change of a tranche's gate, oldest first, with the items' codes. */
  async history(trancheId: string) {
    return this.db.query(
      `SELECT c.at, c.cause, c.cause_id AS "causeId", c.reason,
              CASE WHEN u.id IS NULL THEN NULL
                   ELSE json_build_object('id', u.id, 'username', u.username, 'displayName', u.display_name, 'role', u.role) END AS actor,
              (SELECT coalesce(json_agg(json_build_object('id', i.id, 'code', i.code, 'projectCode', p.code) ORDER BY p.code, i.code), '[]')
                 FROM action_items i JOIN projects p ON p.id = i.project_id WHERE i.id = ANY(c.added_item_ids)) AS added,
              (SELECT coalesce(json_agg(json_build_object('id', i.id, 'code', i.code, 'projectCode', p.code) ORDER BY p.code, i.code), '[]')
                 FROM action_items i JOIN projects p ON p.id = i.project_id WHERE i.id = ANY(c.removed_item_ids)) AS removed
         FROM tranche_gate_changes c LEFT JOIN users u ON u.id = c.actor_id
        WHERE c.tranche_id = $1 ORDER BY c.id`,
      [trancheId],
    );
  }
}
