import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { allocateProportionally, evaluateGate } from '@pelekan/core';
import type {
  GateCheck,
  ReleaseResult,
  TrancheActivities,
  Transition,
} from '@pelekan/workflows/tranche.contract';
import { failpoint } from '../common/failpoints';
import { LedgerService } from '../ledger/ledger.service';

/** Activities of the tranche workflow: everything it does to the outside world. */
@Injectable()
export class TrancheActivitiesImpl implements TrancheActivities {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly ledger: LedgerService,
  ) {}

  async checkGate(trancheId: string): Promise<GateCheck> {
    const items = await this.db.query(
      `SELECT i.id AS "itemId", i.code, i.verified_percent AS "verifiedPercent"
         FROM tranche_items ti JOIN action_items i ON i.id = ti.item_id
        WHERE ti.tranche_id = $1 AND ti.role = 'gate'`,
      [trancheId],
    );
    const { open, waitingOn } = evaluateGate<{ itemId: string; code: string; verifiedPercent: number }>(items);
    return { open, waitingOn };
  }

  /** Idempotent per (tranche, seq); the state column only ever moves to a newer transition. */
  async recordTransition(t: Transition): Promise<void> {
    await this.db.transaction(async (tx) => {
      const [current] = await tx.query('SELECT state FROM tranches WHERE id = $1 FOR UPDATE', [t.trancheId]);
      if (!current) throw new Error(`tranche ${t.trancheId} does not exist`);
      const inserted = await tx.query(
        `INSERT INTO tranche_events (tranche_id, seq, actor_id, from_state, to_state, reason, detail)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (tranche_id, seq) DO NOTHING RETURNING id`,
        [t.trancheId, t.seq, t.actorId ?? null, current.state, t.to, t.reason ?? null, t.detail ?? {}],
      );
      if (inserted.length === 0) return;
      await tx.query(
        `UPDATE tranches SET state = $2, state_seq = $3, state_changed_at = now() WHERE id = $1 AND state_seq < $3`,
        [t.trancheId, t.to, t.seq],
      );
    });
  }

  /**
   * Pays the tranche: one transaction locks it, returns the existing entry if there is one,
   * re-checks the gate, writes the ledger entry (unique business key) and marks it released. A retry
   * after a crash on either side of the commit therefore pays exactly once.
   */
  async releaseTranche(request: { trancheId: string; seq: number; approvedBy: string }): Promise<ReleaseResult> {
    const result = await this.db.transaction(async (tx): Promise<ReleaseResult> => {
      const [tranche] = await tx.query(
        `SELECT id, project_id AS "projectId", amount_rials::text AS "amountRials", state
           FROM tranches WHERE id = $1 FOR UPDATE`,
        [request.trancheId],
      );
      if (!tranche) throw new Error(`tranche ${request.trancheId} does not exist`);
      const [existing] = await tx.query('SELECT id FROM ledger_entries WHERE tranche_id = $1', [request.trancheId]);
      if (existing) return { outcome: 'released', ledgerEntryId: existing.id };

      // A monitoring-committee hold placed before this transaction stops the payment (placing a hold
      // locks the pending tranches, so it cannot slip in between this check and the commit).
      const [hold] = await tx.query(
        'SELECT reason FROM tranche_holds WHERE project_id = $1 AND lifted_at IS NULL ORDER BY placed_at LIMIT 1',
        [tranche.projectId],
      );
      if (hold) {
        return { outcome: 'refused', backTo: 'held', reason: `the monitoring committee holds the project's tranches: ${hold.reason}` };
      }

      const gate = await tx.query(
        `SELECT i.id AS "itemId", i.code, i.verified_percent AS "verifiedPercent"
           FROM tranche_items ti JOIN action_items i ON i.id = ti.item_id
          WHERE ti.tranche_id = $1 AND ti.role = 'gate'
          FOR SHARE OF i`,
        [request.trancheId],
      );
      const { open, waitingOn } = evaluateGate<{ itemId: string; code: string; verifiedPercent: number }>(gate);
      if (!open) {
        return {
          outcome: 'refused',
          backTo: 'waiting_on_items',
          reason: `item ${waitingOn.map((w) => w.code).join(', ')} is no longer 100% verified`,
        };
      }

      const owners: Array<{ organizationId: string; budgetRials: string }> = await tx.query(
        `SELECT i.owner_agency_id AS "organizationId", sum(i.budget_rials)::text AS "budgetRials"
           FROM tranche_items ti JOIN action_items i ON i.id = ti.item_id
          WHERE ti.tranche_id = $1 AND ti.role = 'funds'
          GROUP BY i.owner_agency_id ORDER BY i.owner_agency_id`,
        [request.trancheId],
      );
      const amount = BigInt(tranche.amountRials);
      const shares = allocateProportionally(
        amount,
        owners.map((o) => BigInt(o.budgetRials)),
      );
      const credits = owners.map((o, i) => ({ organizationId: o.organizationId, amountRials: shares[i] }));
      const { entryId } = await this.ledger.recordRelease(tx, {
        businessKey: `tranche-release:${request.trancheId}`,
        trancheId: request.trancheId,
        projectId: tranche.projectId,
        amountRials: amount,
        approvedBy: request.approvedBy,
        credits,
      });
      await tx.query(
        `INSERT INTO tranche_events (tranche_id, seq, actor_id, from_state, to_state, reason, detail)
         VALUES ($1, $2, $3, $4, 'released', 'released to the ledger', $5) ON CONFLICT (tranche_id, seq) DO NOTHING`,
        [
          request.trancheId,
          request.seq,
          request.approvedBy,
          tranche.state,
          { ledgerEntryId: entryId, credits: credits.map((c) => ({ ...c, amountRials: c.amountRials.toString() })) },
        ],
      );
      await tx.query(
        `UPDATE tranches SET state = 'released', state_seq = greatest(state_seq, $2), state_changed_at = now(),
                released_at = now() WHERE id = $1`,
        [request.trancheId, request.seq],
      );
      failpoint('release.beforeCommit');
      return { outcome: 'released', ledgerEntryId: entryId };
    });
    failpoint('release.afterCommit');
    return result;
  }
}
