import { Injectable } from '@nestjs/common';
import {
  budgetCapRefusal,
  committedRials,
  InvalidReleaseRuleError,
  parseReleaseTerms,
  parseRials,
  releaseRuleToJson,
  refuseAdditionalGate,
  refuseFundedItems,
  sumRials,
  trancheAllocations,
  trancheAmountRefusal,
} from '@pelekan/core';
import type { Actor } from '../common/actor';
import { Conflict, InvalidInput, NotFound } from '../common/errors';
import { Database } from '../database/database';
import type { CreateTrancheDto } from './dto';
import { TrancheGates } from './tranche-gates';
import { TrancheReadModel } from './tranche-read-model';
import { TrancheReconciler } from './tranche-reconciler';
import { TranchesRepository } from './tranches.repository';
import type { TrancheView } from './views.dto';

/** Creating a tranche: what it funds, how much, what gates it, who receives its money. */
@Injectable()
export class TrancheCreation {
  constructor(
    private readonly db: Database,
    private readonly tranches: TranchesRepository,
    private readonly gates: TrancheGates,
    private readonly reconciler: TrancheReconciler,
    private readonly readModel: TrancheReadModel,
  ) {}

  /**
   * Creates a tranche, gated by the action chain: the funded items' predecessors (in this project or
   * another) must be 100% verified before it can be approved. The project is locked for the whole
   * transaction, so two tranches created at once cannot both fit under the budget cap.
   */
  async create(actor: Actor, projectId: string, dto: CreateTrancheDto): Promise<TrancheView> {
    const terms = releaseTermsOf(dto);
    const tranche = await this.db.transaction(async (tx) => {
      const project = await this.tranches.lockProjectBudget(tx, projectId);
      if (!project) throw new NotFound('project', projectId);
      if (project.budgetRials === null) {
        throw new Conflict("the project's budget is not set yet; set it before creating tranches", 'budget_not_set');
      }

      const funded = await this.tranches.lockLiveItems(tx, dto.fundedItemIds);
      const fundingRefusal = refuseFundedItems(projectId, dto.fundedItemIds, funded, await this.tranches.fundingsOf(tx, dto.fundedItemIds));
      if (fundingRefusal) throw InvalidInput.field('fundedItemIds', fundingRefusal);

      const fundedBudget = sumRials(funded.map((f) => f.budgetRials));
      const amount = dto.amountRials === undefined ? fundedBudget : parseRials(dto.amountRials);
      const amountRefusal =
        trancheAmountRefusal(amount, fundedBudget) ??
        budgetCapRefusal(project.budgetRials, committedRials(await this.tranches.amountsOfProject(tx, projectId)), amount);
      if (amountRefusal) throw InvalidInput.field('amountRials', amountRefusal);

      const gate = await this.gates.chainGateOf(tx, dto.fundedItemIds);
      const additional = (dto.additionalGateItemIds ?? []).filter((id) => !gate.includes(id));
      if (additional.length > 0) {
        const refusal = refuseAdditionalGate(additional, await this.tranches.liveItemIds(tx, additional), dto.fundedItemIds);
        if (refusal) throw InvalidInput.field('additionalGateItemIds', refusal);
      }

      const id = await this.tranches.insert(tx, {
        projectId,
        number: await this.tranches.nextNumber(tx, projectId),
        title: dto.title ?? null,
        amountRials: amount,
        createdBy: actor.userId,
        fundedItemIds: dto.fundedItemIds,
        chainGateItemIds: gate,
        additionalGateItemIds: additional,
        allocations: trancheAllocations(amount, funded),
        releaseRule: releaseRuleToJson(terms.rule),
        dueAt: terms.dueAt,
      });
      await this.tranches.appendEvent(tx, {
        trancheId: id,
        seq: 0,
        actorId: actor.userId,
        fromState: null,
        toState: 'waiting_on_items',
        reason: 'created',
        detail: {
          amountRials: amount.toString(),
          gate: gate.length + additional.length,
          releaseRule: releaseRuleToJson(terms.rule),
          dueAt: terms.dueAt?.toISOString() ?? null,
        },
      });
      return { id, createdBy: actor.userId };
    });
    await this.reconciler.startWorkflow(tranche);
    return this.readModel.get(tranche.id);
  }
}

/** The release rule and due date of the request (core parseReleaseTerms), or 400 naming each field at fault. */
function releaseTermsOf(dto: CreateTrancheDto) {
  try {
    return parseReleaseTerms({ releaseRule: dto.releaseRule, dueAt: dto.dueAt }, new Date());
  } catch (error) {
    if (error instanceof InvalidReleaseRuleError) throw new InvalidInput([...error.problems]);
    throw error;
  }
}
