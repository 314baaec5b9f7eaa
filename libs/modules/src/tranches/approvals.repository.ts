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
  /** Records an approval by an authenticated officer; returns its id. */
  async recordApproval(m: EntityManager, trancheId: string, approverId: string): Promise<string> {
    const created = await row<{ id: string }>(m, 'INSERT INTO tranche_approvals (tranche_id, approved_by) VALUES ($1, $2) RETURNING id', [
      trancheId,
      approverId,
    ]);
    return created!.id;
  }

  /** Closes an approval still requested: paid, or voided with the reason. */
  async closeApproval(m: EntityManager, approvalId: string, status: 'paid' | 'voided', reason: string): Promise<void> {
    await m.query(
      `UPDATE tranche_approvals SET status = $2, closed_at = now(), close_reason = $3 WHERE id = $1 AND status = 'requested'`,
      [approvalId, status, reason],
    );
  }

  /** The id of this officer's latest approval still requested, locked; null when there is none. */
  async lockRequestedApproval(m: EntityManager, trancheId: string, approverId: string): Promise<string | null> {
    const found = await row<{ id: string }>(
      m,
      `SELECT id FROM tranche_approvals WHERE tranche_id = $1 AND approved_by = $2 AND status = 'requested'
        ORDER BY requested_at DESC LIMIT 1 FOR UPDATE`,
      [trancheId, approverId],
    );
    return found?.id ?? null;
  }
}
