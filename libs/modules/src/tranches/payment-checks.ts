import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { refuseRelease, type ReleaseRefusal } from '@pelekan/core';
import { ApprovalsRepository } from './approvals.repository';
import { GatesRepository } from './gates.repository';
import { HoldsRepository } from './holds.repository';
import { ReleaseRepository, type ApproverRow } from './release.repository';

/** A payment that may go ahead: who approved it, and their recorded approval (with the amount they saw, if any). */
export interface ClearedPayment {
  approver: ApproverRow;
  approval: { id: string; amountRials: bigint | null };
}

/**
 * What every payment (a whole tranche or one installment) re-reads inside its own transaction before a
 * ledger entry, never trusting the message that asked for it: the approver as the users table has them,
 * an approval the API recorded for them, no committee hold, every gating item 100% verified (share-locked
 * until the commit), a tranche never rejected — judged by core `refuseRelease`. A refusal voids the
 * approval and is returned for the workflow to branch on.
 */
@Injectable()
export class PaymentChecks {
  constructor(
    private readonly release: ReleaseRepository,
    private readonly approvals: ApprovalsRepository,
    private readonly holds: HoldsRepository,
    private readonly gates: GatesRepository,
  ) {}

  async clear(
    tx: EntityManager,
    tranche: { id: string; projectId: string; createdBy: string },
    approvedBy: string,
  ): Promise<{ refusal: ReleaseRefusal } | { refusal: null; cleared: ClearedPayment }> {
    // One statement at a time: a transaction's connection runs one query at once.
    const approver = await this.release.user(tx, approvedBy);
    const approval = approver ? await this.approvals.lockRequested(tx, tranche.id, approver.id) : null;
    const rejected = await this.release.wasRejected(tx, tranche.id);
    // Placing a hold locks the pending tranches, so it cannot slip in between this read and the commit.
    const activeHolds = await this.holds.active(tx, [tranche.projectId]);
    const gate = await this.gates.gateVerification(tx, tranche.id, true);
    const refusal = refuseRelease({ rejected, createdBy: tranche.createdBy, approver, approvalRecorded: approval !== null, activeHolds, gate });
    if (refusal) {
      if (approval) await this.approvals.closeApproval(tx, approval.id, 'voided', refusal.reason);
      return { refusal };
    }
    return { refusal: null, cleared: { approver: approver!, approval: approval! } };
  }
}
