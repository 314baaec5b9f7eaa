import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { RemainderDecisionKind, TrancheState } from '@pelekan/core';
import { row, rows } from '../database/database';
import type { Credit } from './release.repository';

/** A tranche's items as the release rules read them (core ReleaseItem). */
export interface ReleaseItemRow {
  trancheId: string;
  gating: boolean;
  weight: number;
  verifiedPercent: number;
}

/** A paid installment: one ledger entry of the tranche. */
export interface InstallmentRow {
  trancheId: string;
  number: number;
  amountRials: bigint;
  ledgerEntryId: string;
  approvedBy: string | null;
  /** Display name of the approver. */
  approvedByName: string | null;
  releasedAt: Date;
  trancheSeq: number | null;
}

export interface RemainderDecisionRow {
  id: string;
  trancheId: string;
  action: RemainderDecisionKind;
  targetTrancheId: string | null;
  dueAt: Date | null;
  reason: string;
  decidedBy: string;
  decidedByName: string | null;
  requestedAt: Date;
  status: 'requested' | 'applied' | 'voided';
  remainderRials: bigint | null;
  closeReason: string | null;
}

export interface CarryInRow {
  decisionId: string;
  fromTrancheId: string;
  fromTrancheNumber: number;
  amountRials: bigint;
}

/** What the API records of a decision; the rest of its row is written when it is applied or voided. */
export type NewRemainderDecision = Pick<RemainderDecisionRow, 'trancheId' | 'action' | 'targetTrancheId' | 'dueAt' | 'reason' | 'decidedBy'>;

type Raw<T, K extends keyof T> = Omit<T, K> & { [P in K]: string };

/** What paying in installments reads and writes: the items' progress, the entries paid, lapses and remainders. */
@Injectable()
export class InstallmentsRepository {
  /** The database's clock: the due date is judged by it, as every other instant the payment records. */
  async now(m: EntityManager): Promise<Date> {
    return (await row<{ now: Date }>(m, 'SELECT now() AS now'))!.now;
  }

  /**
   * The funded and gating items of these tranches with their weights and verified percents. With
   * `lock`, share-locked until the transaction ends, so no verification moves under a payment.
   */
  async items(m: EntityManager, trancheIds: string[], lock = false): Promise<ReleaseItemRow[]> {
    return rows<ReleaseItemRow>(
      m,
      `SELECT ti.tranche_id AS "trancheId", ti.role = 'gate' AS gating, i.weight_hundredths AS weight,
              i.verified_percent AS "verifiedPercent"
         FROM tranche_items ti JOIN action_items i ON i.id = ti.item_id
        WHERE ti.tranche_id = ANY($1::uuid[]) ORDER BY ti.tranche_id, ti.role, i.id${lock ? ' FOR SHARE OF i' : ''}`,
      [trancheIds],
    );
  }

  /** The installments these tranches paid, in order. */
  async installments(m: EntityManager, trancheIds: string[]): Promise<InstallmentRow[]> {
    const found = await rows<Raw<InstallmentRow, 'amountRials'>>(
      m,
      `SELECT e.tranche_id AS "trancheId", e.installment AS number, e.amount_rials::text AS "amountRials",
              e.id AS "ledgerEntryId", e.approved_by AS "approvedBy", u.display_name AS "approvedByName",
              e.created_at AS "releasedAt", e.tranche_seq AS "trancheSeq"
         FROM ledger_entries e LEFT JOIN users u ON u.id = e.approved_by
        WHERE e.tranche_id = ANY($1::uuid[]) ORDER BY e.tranche_id, e.installment`,
      [trancheIds],
    );
    return found.map((i) => ({ ...i, amountRials: BigInt(i.amountRials) }));
  }

  /** Records a paid installment on the tranche: its released total, and released in full or waiting for more. */
  async recordPaid(m: EntityManager, trancheId: string, seq: number, amountRials: bigint, complete: boolean): Promise<void> {
    await m.query(
      `UPDATE tranches SET released_rials = released_rials + $3, state = $4, state_seq = greatest(state_seq, $2),
              state_changed_at = now(), released_at = CASE WHEN $5 THEN now() ELSE released_at END
        WHERE id = $1`,
      [trancheId, seq, amountRials.toString(), complete ? 'released' : 'waiting_on_items', complete],
    );
  }

  /** Moves the tranche to `state` at step `seq` (a lapse, an extension, a closed remainder). */
  async setState(m: EntityManager, trancheId: string, state: TrancheState, seq: number): Promise<void> {
    await m.query(
      `UPDATE tranches SET state = $2, state_seq = greatest(state_seq, $3), state_changed_at = now() WHERE id = $1`,
      [trancheId, state, seq],
    );
  }

  async giveUp(m: EntityManager, trancheId: string, amountRials: bigint): Promise<void> {
    await m.query('UPDATE tranches SET given_up_rials = given_up_rials + $2 WHERE id = $1', [trancheId, amountRials.toString()]);
  }

  async grow(m: EntityManager, trancheId: string, amountRials: bigint): Promise<void> {
    await m.query('UPDATE tranches SET amount_rials = amount_rials + $2 WHERE id = $1', [trancheId, amountRials.toString()]);
  }

  async setDueAt(m: EntityManager, trancheId: string, dueAt: Date): Promise<void> {
    await m.query('UPDATE tranches SET due_at = $2 WHERE id = $1', [trancheId, dueAt]);
  }

  /** Σ of the budgets of the live items the tranche funds (a carried remainder may not take it past them). */
  async fundedBudget(m: EntityManager, trancheId: string): Promise<bigint> {
    const found = await row<{ budget: string }>(
      m,
      `SELECT coalesce(sum(i.budget_rials), 0)::text AS budget FROM tranche_items ti JOIN action_items i ON i.id = ti.item_id
        WHERE ti.tranche_id = $1 AND ti.role = 'funds' AND i.removed_at IS NULL`,
      [trancheId],
    );
    return BigInt(found!.budget);
  }

  async insertDecision(m: EntityManager, d: NewRemainderDecision): Promise<string> {
    const created = await row<{ id: string }>(
      m,
      `INSERT INTO tranche_remainder_decisions (tranche_id, action, target_tranche_id, due_at, reason, decided_by)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [d.trancheId, d.action, d.targetTrancheId, d.dueAt, d.reason, d.decidedBy],
    );
    return created!.id;
  }

  /** The decision, locked until the transaction ends. */
  async lockDecision(m: EntityManager, id: string): Promise<RemainderDecisionRow | null> {
    const [found] = await this.decisionsWhere(m, 'd.id = $1', [id], ' FOR UPDATE OF d');
    return found ?? null;
  }

  async decisionsOf(m: EntityManager, trancheId: string): Promise<RemainderDecisionRow[]> {
    return this.decisionsWhere(m, 'd.tranche_id = $1', [trancheId]);
  }

  async closeDecision(m: EntityManager, id: string, status: 'applied' | 'voided', reason: string, remainderRials?: bigint): Promise<void> {
    await m.query(
      `UPDATE tranche_remainder_decisions SET status = $2, closed_at = now(), close_reason = $3, remainder_rials = $4
        WHERE id = $1 AND status = 'requested'`,
      [id, status, reason, remainderRials?.toString() ?? null],
    );
  }

  async insertCarryIns(m: EntityManager, decisionId: string, toTrancheId: string, shares: Credit[]): Promise<void> {
    await m.query(
      `INSERT INTO tranche_carry_ins (decision_id, to_tranche_id, organization_id, amount_rials)
       SELECT $1, $2, o, a FROM unnest($3::uuid[], $4::numeric[]) AS x(o, a)`,
      [decisionId, toTrancheId, shares.map((s) => s.organizationId), shares.map((s) => s.amountRials.toString())],
    );
  }

  /** The remainders carried into this tranche, by decision. */
  async carriedInto(m: EntityManager, trancheId: string): Promise<CarryInRow[]> {
    const found = await rows<Raw<CarryInRow, 'amountRials'>>(
      m,
      `SELECT c.decision_id AS "decisionId", d.tranche_id AS "fromTrancheId", t.number AS "fromTrancheNumber",
              sum(c.amount_rials)::text AS "amountRials"
         FROM tranche_carry_ins c JOIN tranche_remainder_decisions d ON d.id = c.decision_id JOIN tranches t ON t.id = d.tranche_id
        WHERE c.to_tranche_id = $1 GROUP BY c.decision_id, d.tranche_id, t.number, d.closed_at ORDER BY d.closed_at`,
      [trancheId],
    );
    return found.map((c) => ({ ...c, amountRials: BigInt(c.amountRials) }));
  }

  private async decisionsWhere(m: EntityManager, where: string, params: unknown[], suffix = ''): Promise<RemainderDecisionRow[]> {
    const found = await rows<Omit<RemainderDecisionRow, 'remainderRials'> & { remainderRials: string | null }>(
      m,
      `SELECT d.id, d.tranche_id AS "trancheId", d.action, d.target_tranche_id AS "targetTrancheId", d.due_at AS "dueAt",
              d.reason, d.decided_by AS "decidedBy", u.display_name AS "decidedByName", d.requested_at AS "requestedAt",
              d.status, d.remainder_rials::text AS "remainderRials", d.close_reason AS "closeReason"
         FROM tranche_remainder_decisions d LEFT JOIN users u ON u.id = d.decided_by
        WHERE ${where} ORDER BY d.requested_at${suffix}`,
      params,
    );
    return found.map((d) => ({ ...d, remainderRials: d.remainderRials === null ? null : BigInt(d.remainderRials) }));
  }
}
