import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { TrancheState } from '@pelekan/core';
import { row, rows } from '../database/database';
import { uuidOrNull } from './tranches.repository';

export interface TrancheToPay {
  id: string;
  projectId: string;
  amountRials: bigint;
  state: TrancheState;
  createdBy: string;
}

export interface ApproverRow {
  id: string;
  role: string;
  active: boolean;
}

export interface Credit {
  organizationId: string;
  amountRials: bigint;
}

/** What the payment transaction re-reads and writes (besides the ledger and the approvals). */
@Injectable()
export class ReleaseRepository {
  /** The tranche, locked until the transaction ends; null when there is no such tranche. */
  async lockTranche(m: EntityManager, trancheId: string): Promise<TrancheToPay | null> {
    const found = await row<Omit<TrancheToPay, 'amountRials'> & { amountRials: string }>(
      m,
      `SELECT id, project_id AS "projectId", amount_rials::text AS "amountRials", state, created_by AS "createdBy"
         FROM tranches WHERE id = $1 FOR UPDATE`,
      [trancheId],
    );
    return found && { ...found, amountRials: BigInt(found.amountRials) };
  }

  /** The id of the tranche's ledger entry, if it was paid. */
  async ledgerEntryOf(m: EntityManager, trancheId: string): Promise<string | null> {
    return (await row<{ id: string }>(m, 'SELECT id FROM ledger_entries WHERE tranche_id = $1', [trancheId]))?.id ?? null;
  }

  /** The user as the users table has them; null when there is no such user (or the id is no uuid). */
  async user(m: EntityManager, userId: string | null | undefined): Promise<ApproverRow | null> {
    const id = uuidOrNull(userId);
    if (!id) return null;
    return row<ApproverRow>(m, 'SELECT id, role, active FROM users WHERE id = $1', [id]);
  }

  /** True when the tranche was ever rejected (its history is append-only). */
  async wasRejected(m: EntityManager, trancheId: string): Promise<boolean> {
    const found = await row<{ rejected: boolean }>(
      m,
      `SELECT EXISTS (SELECT 1 FROM tranche_events WHERE tranche_id = $1 AND to_state = 'rejected') AS rejected`,
      [trancheId],
    );
    return found?.rejected ?? false;
  }

  /** Who receives how much: the allocation fixed when the tranche was created, and the shares of remainders carried into it. */
  async credits(m: EntityManager, trancheId: string): Promise<Credit[]> {
    const found = await rows<{ organizationId: string; amountRials: string }>(
      m,
      `SELECT organization_id AS "organizationId", sum(amount_rials)::text AS "amountRials" FROM (
         SELECT organization_id, amount_rials FROM tranche_allocations WHERE tranche_id = $1
         UNION ALL
         SELECT organization_id, amount_rials FROM tranche_carry_ins WHERE to_tranche_id = $1) a
        GROUP BY organization_id ORDER BY organization_id`,
      [trancheId],
    );
    return found.map((c) => ({ organizationId: c.organizationId, amountRials: BigInt(c.amountRials) }));
  }

  /** What each receiving agency is still owed by the tranche: its credits less what its ledger entries credited it. */
  async owed(m: EntityManager, trancheId: string): Promise<Credit[]> {
    const credits = await this.credits(m, trancheId);
    const paid = await rows<{ organizationId: string; amountRials: string }>(
      m,
      `SELECT a.organization_id AS "organizationId", sum(p.credit_rials)::text AS "amountRials"
         FROM ledger_entries e JOIN ledger_postings p ON p.entry_id = e.id JOIN ledger_accounts a ON a.id = p.account_id
        WHERE e.tranche_id = $1 AND a.organization_id IS NOT NULL GROUP BY a.organization_id`,
      [trancheId],
    );
    const paidTo = new Map(paid.map((p) => [p.organizationId, BigInt(p.amountRials)]));
    return credits.map((c) => ({ organizationId: c.organizationId, amountRials: c.amountRials - (paidTo.get(c.organizationId) ?? 0n) }));
  }

  async markReleased(m: EntityManager, trancheId: string, seq: number): Promise<void> {
    await m.query(
      `UPDATE tranches SET state = 'released', state_seq = greatest(state_seq, $2), state_changed_at = now(),
              released_at = now(), released_rials = amount_rials WHERE id = $1`,
      [trancheId, seq],
    );
  }
}
