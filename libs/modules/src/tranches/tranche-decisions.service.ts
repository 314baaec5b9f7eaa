import { Injectable } from '@nestjs/common';
import { refuseDecision, type TrancheDecision } from '@pelekan/core';
import type { Actor } from '../common/actor';
import { Database } from '../database/database';
import type { TrancheDecisionDto } from './dto';
import { ApprovalsRepository } from './approvals.repository';
import { HoldsRepository } from './holds.repository';
import { ResultsRelease } from './results-release';
import { TrancheReadModel } from './tranche-read-model';
import { refusalAsError, TrancheWorkflows } from './tranche-workflows';
import type { TrancheView } from './views.dto';

/** PBO decisions on a tranche awaiting approval: approve, hold or reject. */
@Injectable()
export class TrancheDecisions {
  constructor(
    private readonly db: Database,
    private readonly holds: HoldsRepository,
    private readonly approvals: ApprovalsRepository,
    private readonly workflows: TrancheWorkflows,
    private readonly readModel: TrancheReadModel,
    private readonly results: ResultsRelease,
  ) {}

  /**
   * A PBO decision: checked here for a quick, clear refusal, then decided by the workflow (the
   * authority). An approval is first recorded as this authenticated officer's: the payment
   * transaction pays only against such a record, so an approval sent to Temporal directly pays nothing.
   * An installment's approval records the amount payable when it was given.
   */
  async decide(actor: Actor, id: string, dto: TrancheDecisionDto): Promise<TrancheView> {
    const decision: TrancheDecision = { action: dto.action, actorId: actor.userId, reason: dto.reason?.trim() || undefined };
    const { tranche, approvalId } = await this.db.transaction(async (tx) => {
      const tranche = await this.readModel.require(id, tx);
      const committeeHold = (await this.holds.active(tx, [tranche.projectId])).length > 0;
      const refusal = refuseDecision({ state: tranche.state, createdBy: tranche.createdBy, committeeHold }, decision);
      if (refusal) throw refusalAsError(refusal.code, refusal.message);
      // For an installment, the amount the officer approves now; the payment never pays more.
      const amount = dto.action === 'approve' && ResultsRelease.isResultsBased(tranche) ? await this.results.payableNow(tx, tranche) : null;
      const approvalId = dto.action === 'approve' ? await this.approvals.recordApproval(tx, id, actor.userId, amount ?? undefined) : null;
      return { tranche, approvalId };
    });
    try {
      await this.workflows.decide(tranche, decision);
    } catch (error) {
      if (approvalId) {
        const reason = `the workflow refused the approval: ${(error as Error).message}`.slice(0, 500);
        await this.db.transaction((tx) => this.approvals.closeApproval(tx, approvalId, 'voided', reason));
      }
      throw error;
    }
    return this.readModel.get(id);
  }
}
