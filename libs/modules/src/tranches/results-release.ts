import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  assertInstallmentsWithin,
  assertRialsConserved,
  committedRials,
  decideRemainder,
  installmentCredits,
  nextInstallment,
  parseReleaseRule,
  releaseSummary,
  type NextInstallment,
  type ReleaseFacts,
  type ReleaseRule,
  type ReleaseSummary,
  type RemainderDecision,
  type RemainderEffects,
} from '@pelekan/core';
import type {
  InstallmentResult,
  ReleaseAssessment,
  RemainderResult,
} from '@pelekan/workflows/tranche.contract';
import { NotFound } from '../common/errors';
import { groupBy } from '../common/group-by';
import { failpoint } from '../common/failpoints';
import { AppConfig, durationMs } from '../config';
import { Database } from '../database/database';
import { LedgerService } from '../ledger/ledger.service';
import { ApprovalsRepository } from './approvals.repository';
import { InstallmentsRepository, type RemainderDecisionRow } from './installments.repository';
import { PaymentChecks } from './payment-checks';
import { ReleaseRepository } from './release.repository';
import { TranchesRepository, type TrancheRow } from './tranches.repository';

/** What judging a tranche by its rule reads of it. */
export type JudgedTranche = Pick<TrancheRow, 'id' | 'releaseRule' | 'amountRials' | 'dueAt' | 'state'>;

/** A tranche judged by its release rule: the rule, the facts it was judged on, and the verdict. */
export interface ReleaseStanding {
  rule: ReleaseRule;
  facts: ReleaseFacts;
  next: NextInstallment;
  summary: ReleaseSummary;
}

/**
 * Results-based tranches (issue 12): the activities of the tranche workflow's results-based loop and
 * what the API shows and pre-checks of them. Every verdict is core `nextInstallment` /
 * `decideRemainder` on facts read from the database at that moment; the payment and the remainder
 * re-read them inside their own transaction, never trusting the workflow's message.
 */
@Injectable()
export class ResultsRelease {
  constructor(
    private readonly db: Database,
    private readonly tranches: TranchesRepository,
    private readonly installments: InstallmentsRepository,
    private readonly release: ReleaseRepository,
    private readonly approvals: ApprovalsRepository,
    private readonly checks: PaymentChecks,
    private readonly ledger: LedgerService,
    private readonly config: AppConfig,
  ) {}

  /** True when the tranche pays under the results-based loop (a rule other than all_or_nothing, or a due date). */
  static isResultsBased(t: Pick<TrancheRow, 'releaseRule' | 'dueAt'>): boolean {
    return (t.releaseRule?.kind ?? 'all_or_nothing') !== 'all_or_nothing' || t.dueAt !== null;
  }

  /** Where each tranche stands under its rule, judged now (for the read model; one read for all). */
  async standings(m: EntityManager, tranches: JudgedTranche[], lock = false): Promise<Map<string, ReleaseStanding>> {
    const ids = tranches.map((t) => t.id);
    if (ids.length === 0) return new Map();
    // One after another: inside a transaction they share one connection, which takes one query at a time.
    const items = await this.installments.items(m, ids, lock);
    const paid = await this.installments.installments(m, ids);
    const now = await this.installments.now(m);
    const itemsOf = groupBy(items, (i) => i.trancheId);
    const paidOf = groupBy(paid, (p) => p.trancheId);
    const result = new Map<string, ReleaseStanding>();
    for (const t of tranches) {
      const rule = parseReleaseRule(t.releaseRule);
      const facts: ReleaseFacts = {
        amountRials: t.amountRials,
        items: (itemsOf.get(t.id) ?? []).map((i) => ({ weight: i.weight, verifiedPercent: i.verifiedPercent, gating: i.gating })),
        installmentsRials: (paidOf.get(t.id) ?? []).map((p) => p.amountRials),
        dueAt: t.dueAt,
        now,
        // A lapse stands until a decision: extended (waiting again) or given up (closed).
        lapsed: t.state === 'lapsed' || t.state === 'closed',
      };
      result.set(t.id, { rule, facts, next: nextInstallment(rule, facts), summary: releaseSummary(rule, facts) });
    }
    return result;
  }

  private async standing(m: EntityManager, t: TrancheRow, lock = false): Promise<ReleaseStanding> {
    return (await this.standings(m, [t], lock)).get(t.id)!;
  }

  /** The workflow's question: what should the tranche do now? */
  async assess(trancheId: string): Promise<ReleaseAssessment> {
    const t = await this.tranches.find(this.db.reader, trancheId);
    if (!t) throw new NotFound('tranche', trancheId);
    const { next, facts } = await this.standing(this.db.reader, t);
    return {
      next: next.kind,
      payableRials: next.kind === 'pay' ? next.amountRials.toString() : '0',
      installment: facts.installmentsRials.length + 1,
      final: next.kind === 'pay' && next.final,
      ...(next.kind === 'wait' ? { wait: next.wait } : {}),
      dueAt: t.dueAt?.toISOString() ?? null,
      recheckEveryMs: durationMs(this.config.GATE_RECHECK_INTERVAL),
    };
  }

  /** The installment an officer would approve now (null when nothing is payable). */
  async payableNow(m: EntityManager, t: TrancheRow): Promise<bigint | null> {
    const { next } = await this.standing(m, t);
    return next.kind === 'pay' ? next.amountRials : null;
  }

  /** Records the lapse if the rule still says so (re-judged in the transaction); idempotent per (tranche, seq). */
  async recordLapse(request: { trancheId: string; seq: number }): Promise<{ undisbursedRials: string }> {
    return this.db.transaction(async (tx) => {
      await this.tranches.lockState(tx, request.trancheId);
      const t = await this.tranches.find(tx, request.trancheId);
      if (!t) throw new NotFound('tranche', request.trancheId);
      const { next, summary, facts } = await this.standing(tx, t, true);
      if (t.state === 'lapsed') return { undisbursedRials: summary.undisbursedRials.toString() };
      if (next.kind !== 'lapse') throw new Error(`tranche ${t.id} does not lapse now (${next.kind}); the workflow re-assesses`);
      // Every rial of the tranche is released or lapsing, none twice (a broken invariant stops here, not in the books).
      assertRialsConserved(t.amountRials, facts.installmentsRials, next.undisbursedRials);
      const appended = await this.tranches.appendEvent(tx, {
        trancheId: t.id,
        seq: request.seq,
        actorId: null,
        fromState: t.state,
        toState: 'lapsed',
        reason: `${next.undisbursedRials} rials not released by the due date lapsed; a PBO decision on the remainder is awaited`,
        detail: { undisbursedRials: next.undisbursedRials.toString(), dueAt: t.dueAt?.toISOString() ?? null },
      });
      if (appended) await this.installments.setState(tx, t.id, 'lapsed', request.seq);
      return { undisbursedRials: next.undisbursedRials.toString() };
    });
  }

  /**
   * Pays the next installment. One transaction locks the tranche and, if this workflow step already
   * paid, returns that entry. Then it re-derives everything a payment depends on from the database
   * (PaymentChecks: approver, recorded approval, holds, gate, rejection) and what the rule makes
   * payable now (core nextInstallment over the share-locked items); it pays that, never more than the
   * amount the officer approved, as ledger entry number n with business key
   * `tranche-installment:<id>:<n>`, credited to the agencies by what each is still owed.
   */
  async releaseInstallment(request: { trancheId: string; seq: number; approvedBy: string }): Promise<InstallmentResult> {
    const result = await this.db.transaction(async (tx): Promise<InstallmentResult> => {
      const locked = await this.release.lockTranche(tx, request.trancheId);
      if (!locked) throw new NotFound('tranche', request.trancheId);
      const t = (await this.tranches.find(tx, request.trancheId))!;
      const paid = await this.installments.installments(tx, [t.id]);
      const done = paid.find((p) => p.trancheSeq === request.seq);
      if (done) {
        return {
          outcome: 'released',
          ledgerEntryId: done.ledgerEntryId,
          installment: done.number,
          amountRials: done.amountRials.toString(),
          complete: t.releasedRials === t.amountRials,
        };
      }

      const checked = await this.checks.clear(tx, t, request.approvedBy);
      if (checked.refusal) {
        const { refusal } = checked;
        return { outcome: 'refused', backTo: refusal.backTo, reason: refusal.reason, code: refusal.code };
      }
      const { approver, approval } = checked.cleared;

      const { next, facts } = await this.standing(tx, t, true);
      if (next.kind !== 'pay') {
        const reason = next.kind === 'wait' ? `nothing is payable now (${next.wait.replace(/_/g, ' ')})` : 'nothing is payable now';
        await this.approvals.closeApproval(tx, approval.id, 'voided', reason);
        return { outcome: 'refused', backTo: 'waiting_on_items', reason, code: 'nothing_payable' };
      }
      const amount = approval.amountRials !== null && approval.amountRials < next.amountRials ? approval.amountRials : next.amountRials;
      const released = assertInstallmentsWithin(t.amountRials, [...facts.installmentsRials, amount]);
      const number = facts.installmentsRials.length + 1;
      const credits = installmentCredits(amount, await this.release.owed(tx, t.id));
      const { entryId } = await this.ledger.recordRelease(tx, {
        businessKey: `tranche-installment:${t.id}:${number}`,
        trancheId: t.id,
        projectId: t.projectId,
        amountRials: amount,
        approvedBy: approver.id,
        installment: number,
        trancheSeq: request.seq,
        credits,
      });
      await this.approvals.closeApproval(tx, approval.id, 'paid', `installment ${number}`);
      const complete = released === t.amountRials;
      await this.tranches.appendEvent(tx, {
        trancheId: t.id,
        seq: request.seq,
        actorId: approver.id,
        fromState: t.state,
        toState: complete ? 'released' : 'waiting_on_items',
        reason: `installment ${number} of ${amount} rials released to the ledger`,
        detail: {
          ledgerEntryId: entryId,
          installment: number,
          amountRials: amount.toString(),
          releasedRials: released.toString(),
          credits: credits.map((c) => ({ organizationId: c.organizationId, amountRials: c.amountRials.toString() })),
        },
      });
      await this.installments.recordPaid(tx, t.id, request.seq, amount, complete);
      failpoint('release.beforeCommit');
      return { outcome: 'released', ledgerEntryId: entryId, installment: number, amountRials: amount.toString(), complete };
    });
    failpoint('release.afterCommit');
    return result;
  }

  /**
   * What deciding a lapsed tranche's remainder would do, judged by core decideRemainder on the
   * database's facts (inside the caller's transaction; the project and both tranches locked, project first).
   */
  async judgeRemainder(tx: EntityManager, trancheId: string, decision: RemainderDecision) {
    const lapsedRow = await this.tranches.find(tx, trancheId);
    if (!lapsedRow) throw new NotFound('tranche', trancheId);
    const project = await this.tranches.lockProjectBudget(tx, lapsedRow.projectId);
    const targetId = decision.kind === 'carry_forward' ? decision.targetTrancheId : null;
    // Tranches locked in id order, so two decisions naming each other cannot deadlock.
    for (const id of [trancheId, ...(targetId && targetId !== trancheId ? [targetId] : [])].sort()) {
      await this.tranches.lockState(tx, id);
    }
    const t = (await this.tranches.find(tx, trancheId))!;
    const target = targetId && targetId !== trancheId ? await this.tranches.find(tx, targetId) : null;
    const paid = await this.installments.installments(tx, [trancheId]);
    const verdict = decideRemainder(decision, {
      lapsed: {
        id: t.id,
        projectId: t.projectId,
        ruleKind: parseReleaseRule(t.releaseRule).kind,
        amountRials: t.amountRials,
        installmentsRials: paid.map((p) => p.amountRials),
        lapsed: t.state === 'lapsed',
      },
      target: target && {
        id: target.id,
        projectId: target.projectId,
        state: target.state,
        amountRials: target.amountRials,
        fundedBudgetRials: await this.installments.fundedBudget(tx, target.id),
        dueAt: target.dueAt,
        lapsed: target.state === 'lapsed',
      },
      project: {
        budgetRials: project?.budgetRials ?? 0n,
        committedRials: committedRials(await this.tranches.amountsOfProject(tx, t.projectId)),
      },
      now: await this.installments.now(tx),
    });
    return { tranche: t, verdict };
  }

  /**
   * Applies a remainder decision the API recorded, re-judged here: the decision must still be requested,
   * its officer an active PBO officer other than the tranche's creator, and core decideRemainder must
   * allow it on the facts now. Idempotent per decision (a retry after the commit finds it applied).
   */
  async applyRemainder(request: { trancheId: string; seq: number; decisionId: string }): Promise<RemainderResult> {
    return this.db.transaction(async (tx): Promise<RemainderResult> => {
      const decision = await this.installments.lockDecision(tx, request.decisionId);
      if (!decision || decision.trancheId !== request.trancheId) {
        return { outcome: 'refused', code: 'not_found', message: `no remainder decision ${request.decisionId} for this tranche` };
      }
      if (decision.status === 'applied') {
        const t = await this.tranches.find(tx, request.trancheId);
        return { outcome: 'applied', state: t!.state === 'closed' ? 'closed' : 'waiting_on_items' };
      }
      if (decision.status === 'voided') return { outcome: 'refused', code: 'voided', message: decision.closeReason ?? 'voided' };

      const refuse = async (code: string, message: string): Promise<RemainderResult> => {
        await this.installments.closeDecision(tx, decision.id, 'voided', message);
        return { outcome: 'refused', code, message };
      };
      const { tranche: t, verdict } = await this.judgeRemainder(tx, request.trancheId, asDecision(decision));
      const officer = await this.release.user(tx, decision.decidedBy);
      if (!officer || officer.role !== 'pbo' || !officer.active) return refuse('not_pbo', 'the decision was not taken by an active PBO officer');
      if (officer.id === t.createdBy) return refuse('four_eyes', "the officer who created the tranche may not decide its remainder");
      if (!verdict.ok) return refuse(verdict.refusal.code, verdict.refusal.message);

      const state = await this.applyEffects(tx, verdict.effects, decision);
      await this.tranches.appendEvent(tx, {
        trancheId: t.id,
        seq: request.seq,
        actorId: decision.decidedBy,
        fromState: t.state,
        toState: state,
        reason: decision.reason,
        detail: remainderDetail(verdict.effects),
      });
      await this.installments.setState(tx, t.id, state, request.seq);
      await this.installments.closeDecision(tx, decision.id, 'applied', 'applied', 'remainderRials' in verdict.effects ? verdict.effects.remainderRials : undefined);
      return { outcome: 'applied', state };
    });
  }

  private async applyEffects(tx: EntityManager, effects: RemainderEffects, decision: RemainderDecisionRow): Promise<'closed' | 'waiting_on_items'> {
    switch (effects.kind) {
      case 'carry_forward': {
        // Each agency's unpaid share moves with the remainder, so it still reaches whom it was fixed for.
        const shares = (await this.release.owed(tx, effects.trancheId)).filter((s) => s.amountRials > 0n);
        await this.installments.insertCarryIns(tx, decision.id, effects.targetTrancheId, shares);
        await this.installments.grow(tx, effects.targetTrancheId, effects.remainderRials);
        await this.installments.giveUp(tx, effects.trancheId, effects.remainderRials);
        return 'closed';
      }
      case 'return_to_budget':
        await this.installments.giveUp(tx, effects.trancheId, effects.remainderRials);
        return 'closed';
      case 'extend':
        await this.installments.setDueAt(tx, effects.trancheId, effects.dueAt);
        return 'waiting_on_items';
    }
  }
}

/** A recorded decision as core reads it. */
export function asDecision(d: Pick<RemainderDecisionRow, 'action' | 'targetTrancheId' | 'dueAt'>): RemainderDecision {
  switch (d.action) {
    case 'carry_forward':
      return { kind: 'carry_forward', targetTrancheId: d.targetTrancheId! };
    case 'return_to_budget':
      return { kind: 'return_to_budget' };
    case 'extend':
      return { kind: 'extend', dueAt: d.dueAt! };
  }
}

function remainderDetail(effects: RemainderEffects): Record<string, unknown> {
  switch (effects.kind) {
    case 'carry_forward':
      return { decision: 'carry_forward', remainderRials: effects.remainderRials.toString(), targetTrancheId: effects.targetTrancheId };
    case 'return_to_budget':
      return { decision: 'return_to_budget', remainderRials: effects.remainderRials.toString() };
    case 'extend':
      return { decision: 'extend', dueAt: effects.dueAt.toISOString() };
  }
}

