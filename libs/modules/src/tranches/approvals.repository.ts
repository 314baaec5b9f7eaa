import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { row } from '../database/database';

/**
 * Approvals of tranches as the API recorded them for authenticated PBO officers: the payment pays
 * only against one still requested, then marks it paid; a refusal by the payment or the workflow
 * voids it.
 */
@Injectable()
export class ApprovalsRepository {
  /**
   * Records an approval by an authenticated officer; returns its id. `amountRials`: the installment they
   * saw (results-based tranches), which the payment never exceeds.
   */
  async recordApproval(m: EntityManager, trancheId: string, approverId: string, amountRials?: bigint): Promise<string> {
    const created = await row<{ id: string }>(
      m,
      'INSERT INTO tranche_approvals (tranche_id, approved_by, amount_rials) VALUES ($1, $2, $3) RETURNING id',
      [trancheId, approverId, amountRials?.toString() ?? null],
    );
    return created!.id;
  }

  /** Closes an approval still requested: paid, or voided with the reason. */
  async closeApproval(m: EntityManager, approvalId: string, status: 'paid' | 'voided', reason: string): Promise<void> {
    await m.query(
      `UPDATE tranche_approvals SET status = $2, closed_at = now(), close_reason = $3 WHERE id = $1 AND status = 'requested'`,
      [approvalId, status, reason],
    );
  }

  /** This officer's latest approval still requested with the amount they approved, locked; null when there is none. */
  async lockRequested(m: EntityManager, trancheId: string, approverId: string): Promise<{ id: string; amountRials: bigint | null } | null> {
    const found = await row<{ id: string; amountRials: string | null }>(
      m,
      `SELECT id, amount_rials::text AS "amountRials" FROM tranche_approvals
        WHERE tranche_id = $1 AND approved_by = $2 AND status = 'requested'
        ORDER BY requested_at DESC LIMIT 1 FOR UPDATE`,
      [trancheId, approverId],
    );
    return found && { id: found.id, amountRials: found.amountRials === null ? null : BigInt(found.amountRials) };
  }
}
