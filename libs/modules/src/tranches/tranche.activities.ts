import { Injectable } from '@nestjs/common';
import { evaluateGate } from '@pelekan/core';
import type {
  GateCheck,
  GateReconciliation,
  InstallmentResult,
  ReleaseAssessment,
  ReleaseResult,
  RemainderResult,
  TrancheActivities,
  Transition,
} from '@pelekan/workflows/tranche.contract';
import { NotFound } from '../common/errors';
import { failpoint } from '../common/failpoints';
import { AppConfig, durationMs } from '../config';
import { Database } from '../database/database';
import { LedgerService } from '../ledger/ledger.service';
import { ApprovalsRepository } from './approvals.repository';
import { GatesRepository } from './gates.repository';
import { PaymentChecks } from './payment-checks';
import { ReleaseRepository } from './release.repository';
import { ResultsRelease } from './results-release';
import { TrancheReconciler } from './tranche-reconciler';
import { TranchesRepository } from './tranches.repository';

/**
 * Activities of the tranche workflow: everything it does to the outside world. A business refusal
 * that is the workflow's to branch on (a payment refused) is returned as a value; any other is a
 * DomainError (the worker makes it a non-retryable failure); anything else is retried.
 */
@Injectable()
export class TrancheActivitiesImpl implements TrancheActivities {
  constructor(
    private readonly db: Database,
    private readonly tranches: TranchesRepository,
    private readonly gates: GatesRepository,
    private readonly approvals: ApprovalsRepository,
    private readonly checks: PaymentChecks,
    private readonly release: ReleaseRepository,
    private readonly ledger: LedgerService,
    private readonly reconciler: TrancheReconciler,
    private readonly results: ResultsRelease,
    private readonly config: AppConfig,
  ) {}

  /**
   * The gate now, how long the workflow waits before re-checking it without a signal (the setting now),
   * and whether the tranche pays under the results-based loop.
   */
  async checkGate(trancheId: string): Promise<GateCheck> {
    const [verification, tranche] = await Promise.all([
      this.gates.gateVerification(this.db.reader, trancheId),
      this.tranches.find(this.db.reader, trancheId),
    ]);
    if (!tranche) throw new NotFound('tranche', trancheId);
    const { open, waitingOn } = evaluateGate(verification);
    return {
      open,
      waitingOn,
      recheckEveryMs: durationMs(this.config.GATE_RECHECK_INTERVAL),
      resultsBased: ResultsRelease.isResultsBased(tranche),
    };
  }

  assessRelease(trancheId: string): Promise<ReleaseAssessment> {
    return this.results.assess(trancheId);
  }

  recordLapse(request: { trancheId: string; seq: number }): Promise<{ undisbursedRials: string }> {
    return this.results.recordLapse(request);
  }

  releaseInstallment(request: { trancheId: string; seq: number; approvedBy: string }): Promise<InstallmentResult> {
    return this.results.releaseInstallment(request);
  }

  applyRemainder(request: { trancheId: string; seq: number; decisionId: string }): Promise<RemainderResult> {
    return this.results.applyRemainder(request);
  }

  /** The gate reconciler's run (started by its Temporal Schedule). */
  async reconcileGates(): Promise<GateReconciliation> {
    return this.reconciler.reconcileGates();
  }

  /**
   * Idempotent per (tranche, seq); the state column only ever moves to a newer transition. The
   * actor is recorded only if such a user exists (a message sent to Temporal may name anyone).
   */
  async recordTransition(t: Transition): Promise<void> {
    await this.db.transaction(async (tx) => {
      const state = await this.tranches.lockState(tx, t.trancheId);
      if (!state) throw new NotFound('tranche', t.trancheId);
      const appended = await this.tranches.appendEvent(tx, {
        trancheId: t.trancheId,
        seq: t.seq,
        actorId: t.actorId ?? null,
        fromState: state,
        toState: t.to,
        reason: t.reason ?? null,
        detail: t.detail ?? {},
      });
      if (appended) await this.tranches.advanceState(tx, t.trancheId, t.to, t.seq);
    });
  }

  /**
   * Pays the tranche. One transaction locks it and returns the existing entry if there is one; then
   * re-derives every condition of a release from the database, never from the request (which a
   * message sent straight to Temporal can forge): PaymentChecks puts them to the core rule
   * `refuseRelease` (an active PBO approver other than the creator, with an approval the API recorded
   * for them; no committee hold; every gating item 100% verified; a tranche never rejected). A refusal
   * voids the approval and goes back to the workflow as a result it branches on. Only then it writes the ledger
   * entry (unique business key; a database trigger checks the approver again) and marks the tranche
   * released. A retry after a crash on either side of the commit therefore pays exactly once, and a
   * forged approval pays nothing.
   */
  async releaseTranche(request: { trancheId: string; seq: number; approvedBy: string }): Promise<ReleaseResult> {
    const result = await this.db.transaction(async (tx): Promise<ReleaseResult> => {
      const tranche = await this.release.lockTranche(tx, request.trancheId);
      if (!tranche) throw new NotFound('tranche', request.trancheId);
      const existing = await this.release.ledgerEntryOf(tx, request.trancheId);
      if (existing) return { outcome: 'released', ledgerEntryId: existing };

      const checked = await this.checks.clear(tx, tranche, request.approvedBy);
      if (checked.refusal) {
        const { refusal } = checked;
        return { outcome: 'refused', backTo: refusal.backTo, reason: refusal.reason, code: refusal.code };
      }
      const { approver, approval } = checked.cleared;

      // Who receives how much was fixed when the tranche was created.
      const credits = await this.release.credits(tx, request.trancheId);
      const { entryId } = await this.ledger.recordRelease(tx, {
        businessKey: `tranche-release:${request.trancheId}`,
        trancheId: request.trancheId,
        projectId: tranche.projectId,
        amountRials: tranche.amountRials,
        approvedBy: approver.id,
        credits,
      });
      await this.approvals.closeApproval(tx, approval.id, 'paid', 'released');
      await this.tranches.appendEvent(tx, {
        trancheId: request.trancheId,
        seq: request.seq,
        actorId: approver.id,
        fromState: tranche.state,
        toState: 'released',
        reason: 'released to the ledger',
        detail: { ledgerEntryId: entryId, credits: credits.map((c) => ({ organizationId: c.organizationId, amountRials: c.amountRials.toString() })) },
      });
      await this.release.markReleased(tx, request.trancheId, request.seq);
      failpoint('release.beforeCommit');
      return { outcome: 'released', ledgerEntryId: entryId };
    });
    failpoint('release.afterCommit');
    return result;
  }
}
