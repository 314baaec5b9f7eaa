import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { TrancheState } from '@pelekan/core';
import { row, rows } from '../database/database';

/** A user as histories name them (built by PostgreSQL as JSON). */
export interface ActorRow {
  id: string;
  username: string;
  displayName: string;
  role: 'pbo' | 'agency' | 'committee' | 'admin';
}

export interface FundedItemRow {
  id: string;
  code: string;
  titleFa: string;
  titleEn: string;
  ownerAgencyId: string;
  budgetRials: bigint;
  verifiedPercent: number;
}

export interface GateItemRow {
  trancheId: string;
  id: string;
  code: string;
  projectId: string;
  projectCode: string;
  titleFa: string;
  titleEn: string;
  verifiedPercent: number;
  declaredPercent: number;
  source: 'chain' | 'additional';
  /** declaredAt is an ISO 8601 string (built by PostgreSQL as JSON). */
  pendingDeclaration: { id: string; percent: number; declaredAt: string } | null;
}

export interface TrancheEventRow {
  seq: number;
  at: Date;
  fromState: TrancheState | null;
  toState: TrancheState;
  reason: string | null;
  detail: Record<string, unknown>;
  actor: ActorRow | null;
}

export interface AllocationRow {
  organizationId: string;
  code: string;
  nameFa: string;
  nameEn: string;
  amountRials: bigint;
}

export interface LedgerEntryRow {
  id: string;
  amountRials: bigint;
  createdAt: Date;
}

export interface GateChangeRow {
  at: Date;
  cause: 'prerequisite_added' | 'prerequisite_removed' | 'plan_revision';
  causeId: string | null;
  reason: string | null;
  actor: ActorRow | null;
  added: Array<{ id: string; code: string; projectCode: string }>;
  removed: Array<{ id: string; code: string; projectCode: string }>;
}

const ACTOR_JSON = (alias: string) => `CASE WHEN ${alias}.id IS NULL THEN NULL
  ELSE json_build_object('id', ${alias}.id, 'username', ${alias}.username, 'displayName', ${alias}.display_name, 'role', ${alias}.role) END`;

const ITEMS_JSON = (ids: string) => `(SELECT coalesce(json_agg(json_build_object('id', i.id, 'code', i.code, 'projectCode', p.code)
  ORDER BY p.code, i.code), '[]') FROM action_items i JOIN projects p ON p.id = i.project_id WHERE i.id = ANY(${ids}))`;

/** Reads of the tranche read model: what a tranche funds, what gates it, its history and its money. */
@Injectable()
export class TrancheViewsRepository {
  async fundedItems(m: EntityManager, trancheId: string): Promise<FundedItemRow[]> {
    const found = await rows<Omit<FundedItemRow, 'budgetRials'> & { budgetRials: string }>(
      m,
      `SELECT i.id, i.code, i.title_fa AS "titleFa", i.title_en AS "titleEn", i.owner_agency_id AS "ownerAgencyId",
              i.budget_rials::text AS "budgetRials", i.verified_percent AS "verifiedPercent"
         FROM tranche_items ti JOIN action_items i ON i.id = ti.item_id
        WHERE ti.tranche_id = $1 AND ti.role = 'funds' ORDER BY i.code`,
      [trancheId],
    );
    return found.map((f) => ({ ...f, budgetRials: BigInt(f.budgetRials) }));
  }

  /** The gating items of these tranches, by project code and item code. */
  async gateItems(m: EntityManager, trancheIds: string[]): Promise<GateItemRow[]> {
    return rows<GateItemRow>(
      m,
      `SELECT ti.tranche_id AS "trancheId", i.id, i.code, i.project_id AS "projectId", p.code AS "projectCode",
              i.title_fa AS "titleFa", i.title_en AS "titleEn", i.verified_percent AS "verifiedPercent",
              i.declared_percent AS "declaredPercent", ti.source,
              (SELECT json_build_object('id', d.id, 'percent', d.percent, 'declaredAt', d.declared_at)
                 FROM progress_declarations d WHERE d.item_id = i.id AND d.status = 'pending') AS "pendingDeclaration"
         FROM tranche_items ti JOIN action_items i ON i.id = ti.item_id JOIN projects p ON p.id = i.project_id
        WHERE ti.tranche_id = ANY($1::uuid[]) AND ti.role = 'gate'
        ORDER BY p.code, i.code`,
      [trancheIds],
    );
  }

  async history(m: EntityManager, trancheId: string): Promise<TrancheEventRow[]> {
    return rows<TrancheEventRow>(
      m,
      `SELECT e.seq, e.at, e.from_state AS "fromState", e.to_state AS "toState", e.reason, e.detail, ${ACTOR_JSON('u')} AS actor
         FROM tranche_events e LEFT JOIN users u ON u.id = e.actor_id
        WHERE e.tranche_id = $1 ORDER BY e.seq`,
      [trancheId],
    );
  }

  async ledgerEntry(m: EntityManager, trancheId: string): Promise<LedgerEntryRow | null> {
    const found = await row<Omit<LedgerEntryRow, 'amountRials'> & { amountRials: string }>(
      m,
      `SELECT id, amount_rials::text AS "amountRials", created_at AS "createdAt" FROM ledger_entries WHERE tranche_id = $1
        ORDER BY installment DESC LIMIT 1`,
      [trancheId],
    );
    return found && { ...found, amountRials: BigInt(found.amountRials) };
  }

  async allocations(m: EntityManager, trancheId: string): Promise<AllocationRow[]> {
    const found = await rows<Omit<AllocationRow, 'amountRials'> & { amountRials: string }>(
      m,
      `SELECT a.organization_id AS "organizationId", o.code, o.name_fa AS "nameFa", o.name_en AS "nameEn",
              a.amount_rials::text AS "amountRials"
         FROM tranche_allocations a JOIN organizations o ON o.id = a.organization_id WHERE a.tranche_id = $1 ORDER BY o.code`,
      [trancheId],
    );
    return found.map((a) => ({ ...a, amountRials: BigInt(a.amountRials) }));
  }

  /** Every change of a tranche's gate, oldest first, with the items' codes. */
  async gateChanges(m: EntityManager, trancheId: string): Promise<GateChangeRow[]> {
    return rows<GateChangeRow>(
      m,
      `SELECT c.at, c.cause, c.cause_id AS "causeId", c.reason, ${ACTOR_JSON('u')} AS actor,
              ${ITEMS_JSON('c.added_item_ids')} AS added, ${ITEMS_JSON('c.removed_item_ids')} AS removed
         FROM tranche_gate_changes c LEFT JOIN users u ON u.id = c.actor_id
        WHERE c.tranche_id = $1 ORDER BY c.id`,
      [trancheId],
    );
  }
}
