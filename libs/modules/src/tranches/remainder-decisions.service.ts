import { Injectable } from '@nestjs/common';
import type { RemainderDecision, RemainderRefusal } from '@pelekan/core';
import type { Actor } from '../common/actor';
import { Conflict, DomainError, Forbidden, InvalidInput } from '../common/errors';
import { Database } from '../database/database';
import type { RemainderDecisionDto } from './dto';
import { InstallmentsRepository } from './installments.repository';
import { ResultsRelease } from './results-release';
import { TrancheGates } from './tranche-gates';
import { TrancheReadModel } from './tranche-read-model';
import { TrancheWorkflows } from './tranche-workflows';
import type { TrancheView } from './views.dto';

/**
 * A PBO decision on a lapsed tranche's remainder: carry it forward, return it to the budget, or extend
 * the due date. Four eyes as for an approval (not the tranche's creator). Judged here for a quick, clear
 * refusal and recorded as this officer's; then the workflow applies it through an activity that judges
 * it again on the database (a decision sent to Temporal directly names no recorded decision).
 */
@Injectable()
export class RemainderDecisions {
  constructor(
    private readonly db: Database,
    private readonly results: ResultsRelease,
    private readonly installments: InstallmentsRepository,
    private readonly workflows: TrancheWorkflows,
    private readonly gates: TrancheGates,
    private readonly readModel: TrancheReadModel,
  ) {}

  async decide(actor: Actor, id: string, dto: RemainderDecisionDto): Promise<TrancheView> {
    const decision = asRequested(dto);
    const { tranche, decisionId } = await this.db.transaction(async (tx) => {
      const { tranche, verdict } = await this.results.judgeRemainder(tx, id, decision);
      if (tranche.createdBy === actor.userId) {
        throw new Forbidden("the officer who created a tranche may not decide its remainder; another PBO officer must", 'four_eyes');
      }
      if (!verdict.ok) throw refusalError(verdict.refusal);
      const decisionId = await this.installments.insertDecision(tx, {
        trancheId: id,
        action: dto.action,
        targetTrancheId: decision.kind === 'carry_forward' ? decision.targetTrancheId : null,
        dueAt: decision.kind === 'extend' ? decision.dueAt : null,
        reason: dto.reason.trim(),
        decidedBy: actor.userId,
      });
      return { tranche, decisionId };
    });
    try {
      await this.workflows.decideRemainder(tranche, { decisionId, actorId: actor.userId });
    } catch (error) {
      const reason = `the workflow refused the decision: ${(error as Error).message}`.slice(0, 500);
      await this.db.transaction((tx) => this.installments.closeDecision(tx, decisionId, 'voided', reason));
      throw error;
    }
    // The receiving tranche has more to pay: let its workflow judge it now rather than at its next re-check.
    if (decision.kind === 'carry_forward') {
      const target = await this.readModel.require(decision.targetTrancheId);
      await this.gates.nudge([{ id: target.id, createdBy: target.createdBy }]);
    }
    return this.readModel.get(id);
  }
}

function asRequested(dto: RemainderDecisionDto): RemainderDecision {
  switch (dto.action) {
    case 'carry_forward':
      return { kind: 'carry_forward', targetTrancheId: dto.targetTrancheId! };
    case 'return_to_budget':
      return { kind: 'return_to_budget' };
    case 'extend':
      return { kind: 'extend', dueAt: new Date(dto.dueAt!) };
  }
}

/** A refusal naming a request field is the request's fault (400); one about the tranche is a conflict (409). */
function refusalError(refusal: RemainderRefusal): DomainError {
  if (refusal.field === 'dueAt' || refusal.field === 'kind') {
    return InvalidInput.field(refusal.field === 'kind' ? 'action' : refusal.field, refusal.message);
  }
  if (refusal.field === 'targetTrancheId' && (refusal.code === 'target_not_found' || refusal.code === 'target_is_self')) {
    return InvalidInput.field('targetTrancheId', refusal.message);
  }
  return new Conflict(refusal.message, refusal.code);
}
