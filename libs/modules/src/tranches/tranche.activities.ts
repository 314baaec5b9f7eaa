import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { evaluateGate, refuseRelease } from '@pelekan/core';
import type {
  GateCheck,
  ReleaseResult,
  TrancheActivities,
  Transition,
} from '@pelekan/workflows/tranche.contract';
import { failpoint } from '../common/failpoints';
import { LedgerService } from '../ledger/ledger.service';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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

  /**
   * Idempotent per (tranche, seq); the state column only ever moves to a newer transition. The
   * actor is recorded only if such a user exists (a message sent to Temporal may name anyone).
   */
  async recordTransition(t: Transition): Promise<void> {
    await this.db.transaction(async (tx) => {
      const [current] = await tx.query('SELECT state FROM tranches WHERE id = $1 FOR UPDATE', [t.trancheId]);
      if (!current) throw new Error(`tranche ${t.trancheId} does not exist`);
      const inserted = await tx.query(
        `INSERT INTO tranche_events (tranche_id, seq, actor_id, from_state, to_state, reason, detail)
         VALUES ($1, $2, (SELECT id FROM users WHERE id = $3::uuid), $4, $5, $6, $7)
         ON CONFLICT (tranche_id, seq) DO NOTHING RETURNING id`,
        [t.trancheId, t.seq, t.actorId && UUID.test(t.actorId) ? t.actorId : null, current.state, t.to, t.reason ?? null, t.detail ?? {}],
      );
      if (inserted.length === 0) return;
      await tx.query(
        `UPDATE tranches SET state = $2, state_seq = $3, state_changed_at = now() WHERE id = $1 AND state_seq < $3`,
        [t.trancheId, t.to, t.seq],
      );
    });
  }

  /**
   * Pays the tranche. One transaction locks it and returns the existing entry if there is one; then
   * re-derives every condition of a release from the database, never from the request (which a
   * message sent straight to Temporal can forge): an active PBO approver other than the creator,
   * with an approval the API recorded for them; no committee hold; every gating item 100% verified;
   * a tranche never rejected. Only then it writes the ledger entry (unique business key; a database
   * trigger checks the approver again) and marks the tranche released. A retry after a crash on
   * either side of the commit therefore pays exactly once, and a forged approval pays nothing.
   */
  async releaseTranche(request: { trancheId: string; seq: number; approvedBy: string }): Promise<ReleaseResult> {
    const result = await this.db.transaction(async (tx): Promise<ReleaseResult> => {
      const [tranche] = await tx.query(
        `SELECT id, project_id AS "projectId", amount_rials::text AS "amountRials", state, created_by AS "createdBy"
           FROM tranches WHERE id = $1 FOR UPDATE`,
        [request.trancheId],
      );
      if (!tranche) throw new Error(`tranche ${request.trancheId} does not exist`);
      const [existing] = await tx.query('SELECT id FROM ledger_entries WHERE tranche_id = $1', [request.trancheId]);
      if (existing) return { outcome: 'released', ledgerEntryId: existing.id };

      const approverId = UUID.test(request.approvedBy ?? '') ? request.approvedBy : null;
      const [[approver], [approval], [{ rejected }], holds, gate] = await sequentially(tx, [
        ['SELECT id, role, active FROM users WHERE id = $1', [approverId]],
        [
          `SELECT id FROM tranche_approvals WHERE tranche_id = $1 AND approved_by = $2 AND status = 'requested'
            ORDER BY requested_at DESC LIMIT 1 FOR UPDATE`,
          [request.trancheId, approverId],
        ],
        [`SELECT EXISTS (SELECT 1 FROM tranche_events WHERE tranche_id = $1 AND to_state = 'rejected') AS rejected`, [request.trancheId]],
        // Placing a hold locks the pending tranches, so it cannot slip in between this read and the commit.
        ['SELECT reason FROM tranche_holds WHERE project_id = $1 AND lifted_at IS NULL ORDER BY placed_at', [tranche.projectId]],
        [
          `SELECT i.id AS "itemId", i.code, i.verified_percent AS "verifiedPercent"
             FROM tranche_items ti JOIN action_items i ON i.id = ti.item_id
            WHERE ti.tranche_id = $1 AND ti.role = 'gate'
            FOR SHARE OF i`,
          [request.trancheId],
        ],
      ]);
      const refusal = refuseRelease({
        rejected,
        createdBy: tranche.createdBy,
        approver: approver ?? null,
        approvalRecorded: Boolean(approval),
        activeHolds: holds,
        gate,
      });
      if (refusal) {
        if (approval) {
          await tx.query(`UPDATE tranche_approvals SET status = 'voided', closed_at = now(), close_reason = $2 WHERE id = $1`, [
            approval.id,
            refusal.reason,
          ]);
        }
        return { outcome: 'refused', backTo: refusal.backTo, reason: refusal.reason, code: refusal.code };
      }

      // Who receives how much was fixed when the tranche was created.
      const credits: Array<{ organizationId: string; amountRials: string }> = await tx.query(
        `SELECT organization_id AS "organizationId", amount_rials::text AS "amountRials"
           FROM tranche_allocations WHERE tranche_id = $1 ORDER BY organization_id`,
        [request.trancheId],
      );
      const { entryId } = await this.ledger.recordRelease(tx, {
        businessKey: `tranche-release:${request.trancheId}`,
        trancheId: request.trancheId,
        projectId: tranche.projectId,
        amountRials: BigInt(tranche.amountRials),
        approvedBy: approver.id,
        credits: credits.map((c) => ({ organizationId: c.organizationId, amountRials: BigInt(c.amountRials) })),
      });
      await tx.query(`UPDATE tranche_approvals SET status = 'paid', closed_at = now(), close_reason = 'released' WHERE id = $1`, [
        approval.id,
      ]);
      await tx.query(
        `INSERT INTO tranche_events (tranche_id, seq, actor_id, from_state, to_state, reason, detail)
         VALUES ($1, $2, $3, $4, 'released', 'released to the ledger', $5) ON CONFLICT (tranche_id, seq) DO NOTHING`,
        [request.trancheId, request.seq, approver.id, tranche.state, { ledgerEntryId: entryId, credits }],
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

/** Runs the statements one after another on the transaction's connection (a transaction cannot run two at once). */
async function sequentially(tx: { query: (sql: string, args: unknown[]) => Promise<any[]> }, statements: Array<[string, unknown[]]>) {
  const results: any[][] = [];
  for (const [sql, args] of statements) results.push(await tx.query(sql, args));
  return results as [any[], any[], any[], any[], any[]];
}
