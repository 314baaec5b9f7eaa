/**
 * Tranche states and the rules of a tranche's life: what a new tranche may fund and gate, who receives
 * its money, the rules for a PBO decision (shared by the API's early refusal and the workflow, the
 * authority), the payment's re-checks, and what a tranche still waits on.
 */
import { allocateProportionally, sumRials } from './money';
import type { ReleaseWaitReason } from './release-rule';

export const TRANCHE_STATES = [
  'waiting_on_items',
  'awaiting_approval',
  'held',
  'approved',
  /** Its due date passed with money not released; the remainder awaits a PBO decision (release-rule.ts). */
  'lapsed',
  'released',
  /** Its lapsed remainder was carried forward or returned to the budget; what it released stays. */
  'closed',
  'rejected',
] as const;
export type TrancheState = (typeof TRANCHE_STATES)[number];

export const TRANCHE_DECISIONS = ['approve', 'hold', 'reject'] as const;
export type TrancheDecisionAction = (typeof TRANCHE_DECISIONS)[number];

export const TERMINAL_TRANCHE_STATES: readonly TrancheState[] = ['released', 'closed', 'rejected'];

export function isTerminal(state: TrancheState): boolean {
  return TERMINAL_TRANCHE_STATES.includes(state);
}

/** States of a tranche still on its way: its gate may change, a hold stops it. */
export const OPEN_TRANCHE_STATES: readonly TrancheState[] = TRANCHE_STATES.filter((s) => !isTerminal(s));

// ---------------------------------------------------------------------------------------------------
// Creating a tranche
// ---------------------------------------------------------------------------------------------------

/** An item a new tranche would fund, as the database has it. */
export interface FundedItemFacts {
  readonly id: string;
  readonly code: string;
  readonly projectId: string;
  readonly ownerAgencyId: string;
  readonly budgetRials: bigint;
}

/** A tranche already funding one of the items. */
export interface ExistingFunding {
  readonly itemCode: string;
  readonly trancheNumber: number;
  readonly trancheState: TrancheState;
}

/**
 * Why a new tranche of `projectId` may not fund `requestedIds`, or null: each must be a live item of
 * the project (`found` holds the live ones), and none may be funded by another tranche not rejected.
 */
export function refuseFundedItems(
  projectId: string,
  requestedIds: readonly string[],
  found: readonly FundedItemFacts[],
  fundings: readonly ExistingFunding[],
): string | null {
  for (const itemId of requestedIds) {
    const item = found.find((f) => f.id === itemId);
    if (!item) return `item ${itemId} does not exist or was retired`;
    if (item.projectId !== projectId) return `item ${item.code} belongs to another project`;
  }
  const live = fundings.filter((f) => f.trancheState !== 'rejected');
  if (live.length > 0) {
    return `already funded by another tranche: ${live.map((f) => `${f.itemCode} (tranche ${f.trancheNumber})`).join(', ')}`;
  }
  return null;
}

/** Why a tranche may not release `amount` against funded items budgeted at `fundedBudget`, or null. */
export function trancheAmountRefusal(amount: bigint, fundedBudget: bigint): string | null {
  if (amount <= 0n) return 'a tranche must release more than 0 rials';
  if (amount > fundedBudget) return `${amount} rials is more than the funded items' budgets (${fundedBudget} rials)`;
  return null;
}

/**
 * Why items added to the gate by hand may not gate the tranche, or null: each must be a live item
 * (`knownIds`), and none may be an item the tranche funds.
 */
export function refuseAdditionalGate(
  additionalIds: readonly string[],
  knownIds: readonly string[],
  fundedIds: readonly string[],
): string | null {
  const missing = additionalIds.filter((id) => !knownIds.includes(id));
  if (missing.length) return `unknown items: ${missing.join(', ')}`;
  if (additionalIds.some((id) => fundedIds.includes(id))) return 'a tranche cannot be gated on an item it funds';
  return null;
}

/**
 * Who receives how much of `amount`: each owner agency of the funded items in proportion to its
 * items' budgets, exactly (the shares sum to `amount`), owners in id order. Fixed at creation, so a
 * later revision of owners or budgets cannot redirect the money.
 */
export function trancheAllocations(
  amount: bigint,
  funded: ReadonlyArray<Pick<FundedItemFacts, 'ownerAgencyId' | 'budgetRials'>>,
): Array<{ organizationId: string; amountRials: bigint }> {
  const owners = [...new Set(funded.map((f) => f.ownerAgencyId))].sort();
  const shares = allocateProportionally(
    amount,
    owners.map((o) => sumRials(funded.filter((f) => f.ownerAgencyId === o).map((f) => f.budgetRials))),
  );
  return owners.map((organizationId, i) => ({ organizationId, amountRials: shares[i] }));
}

// ---------------------------------------------------------------------------------------------------
// Deciding
// ---------------------------------------------------------------------------------------------------

export interface TrancheDecision {
  readonly action: TrancheDecisionAction;
  readonly actorId: string;
  readonly reason?: string;
}

export type DecisionRefusalCode =
  | 'not_awaiting_decision'
  | 'four_eyes'
  | 'reason_required'
  | 'committee_hold';

export interface DecisionRefusal {
  readonly code: DecisionRefusalCode;
  readonly message: string;
}

export interface DecisionContext {
  readonly state: TrancheState;
  readonly createdBy: string;
  /** A monitoring-committee hold on the project's pending tranches stops approval until lifted. */
  readonly committeeHold?: boolean;
}

/** Why `decision` may not be taken now, or null when it may. */
export function refuseDecision(ctx: DecisionContext, decision: TrancheDecision): DecisionRefusal | null {
  if (ctx.state !== 'awaiting_approval' && ctx.state !== 'held') {
    return {
      code: 'not_awaiting_decision',
      message: `the tranche is ${ctx.state.replace(/_/g, ' ')}, not awaiting a decision`,
    };
  }
  if (decision.action === 'hold' && ctx.state === 'held') {
    return { code: 'not_awaiting_decision', message: 'the tranche is already held' };
  }
  if (decision.action === 'approve' && decision.actorId === ctx.createdBy) {
    return {
      code: 'four_eyes',
      message: 'the officer who created a tranche may not approve it; another PBO officer must',
    };
  }
  if (decision.action === 'approve' && ctx.committeeHold) {
    return { code: 'committee_hold', message: 'the monitoring committee holds this project\'s tranches' };
  }
  if (decision.action !== 'approve' && !decision.reason?.trim()) {
    return { code: 'reason_required', message: `a reason is required to ${decision.action} a tranche` };
  }
  return null;
}

export function stateAfterDecision(action: TrancheDecisionAction): TrancheState {
  switch (action) {
    case 'approve':
      return 'approved';
    case 'hold':
      return 'held';
    case 'reject':
      return 'rejected';
  }
}

// ---------------------------------------------------------------------------------------------------
// Paying
// ---------------------------------------------------------------------------------------------------

/**
 * What the payment transaction re-reads from the database before writing a ledger entry. Nothing
 * here comes from the message that asked for the payment: a workflow update sent straight to
 * Temporal can name any approver, so the approver, their approval, the holds and the gate are all
 * checked again where the money moves.
 */
export interface ReleaseContext {
  /** The tranche was rejected at some point (its history is append-only): it never pays. */
  readonly rejected: boolean;
  readonly createdBy: string;
  /** The approver named by the workflow, as the users table has them (null: no such user). */
  readonly approver: { readonly id: string; readonly role: string; readonly active: boolean } | null;
  /** An approval by this approver was recorded by the API (an authenticated request) and not voided since. */
  readonly approvalRecorded: boolean;
  readonly activeHolds: ReadonlyArray<{ readonly reason: string }>;
  readonly gate: ReadonlyArray<{ readonly code: string; readonly verifiedPercent: number }>;
}

export type ReleaseRefusalCode =
  | 'tranche_rejected'
  | 'committee_hold'
  | 'gate_closed'
  | 'approver_not_pbo'
  | 'four_eyes'
  | 'approval_not_recorded';

export interface ReleaseRefusal {
  readonly code: ReleaseRefusalCode;
  /** Where the tranche goes instead of released. */
  readonly backTo: Extract<TrancheState, 'waiting_on_items' | 'awaiting_approval' | 'held' | 'rejected'>;
  readonly reason: string;
}

/** Why the tranche may not be paid now, or null when every condition of a release holds. */
export function refuseRelease(ctx: ReleaseContext): ReleaseRefusal | null {
  if (ctx.rejected) return { code: 'tranche_rejected', backTo: 'rejected', reason: 'the tranche was rejected' };
  if (ctx.activeHolds.length > 0) {
    return {
      code: 'committee_hold',
      backTo: 'held',
      reason: `the monitoring committee holds the project's tranches: ${ctx.activeHolds[0].reason}`,
    };
  }
  const waiting = ctx.gate.filter((g) => g.verifiedPercent < 100);
  if (waiting.length > 0) {
    return {
      code: 'gate_closed',
      backTo: 'waiting_on_items',
      reason: `item ${waiting.map((w) => w.code).join(', ')} is no longer 100% verified`,
    };
  }
  if (!ctx.approver || ctx.approver.role !== 'pbo' || !ctx.approver.active) {
    return { code: 'approver_not_pbo', backTo: 'awaiting_approval', reason: 'the approver is not an active PBO officer' };
  }
  if (ctx.approver.id === ctx.createdBy) {
    return { code: 'four_eyes', backTo: 'awaiting_approval', reason: 'the officer who created the tranche may not approve it' };
  }
  if (!ctx.approvalRecorded) {
    return {
      code: 'approval_not_recorded',
      backTo: 'awaiting_approval',
      reason: 'no approval by this officer was recorded through the API',
    };
  }
  return null;
}

// ---------------------------------------------------------------------------------------------------
// Waiting
// ---------------------------------------------------------------------------------------------------

/** A gating item, as far as what the tranche waits on is concerned. */
export interface WaitingGateItem {
  readonly id: string;
  readonly code: string;
  readonly projectCode: string;
  readonly verifiedPercent: number;
  /** The declaration the committee has yet to decide, if any. */
  readonly pendingDeclaration: { readonly id: string; readonly percent: number } | null;
}

export interface WaitingHold {
  readonly id: string;
  readonly reason: string;
  readonly placedAt: Date;
}

export interface WaitingItemRef {
  id: string;
  code: string;
  projectCode: string;
}

export type WaitingOn =
  | { kind: 'declaration'; item: WaitingItemRef; verifiedPercent: number }
  | { kind: 'verification'; item: WaitingItemRef; declarationId: string; declaredPercent: number }
  | { kind: 'pbo_decision'; excludedApprover: string }
  | { kind: 'committee_hold'; holdId: string; reason: string; placedAt: Date }
  | { kind: 'release' }
  /** The gate is open, but the release rule has nothing (more) to pay yet: more verified progress, or the due date. */
  | { kind: 'earned_progress'; wait: ReleaseWaitReason }
  /** The due date passed; a PBO officer other than the creator decides the lapsed remainder. */
  | { kind: 'remainder_decision'; excludedDecider: string };

/**
 * Exactly what stands between the tranche and its release, in words an agency or officer can act on:
 * nothing once it is released or rejected; the committee's holds and then the payment once approved;
 * the holds and a PBO officer other than its creator while it awaits a decision; otherwise each
 * gating item below 100% verified (a full declaration waits on its verification, else on a declaration);
 * with the gate open, what the release rule waits for (`releaseWait`, release-rule.ts); once lapsed, the
 * decision on the remainder.
 */
export function waitsOn(
  tranche: { readonly state: TrancheState; readonly createdBy: string },
  gate: readonly WaitingGateItem[],
  holds: readonly WaitingHold[] = [],
  releaseWait?: ReleaseWaitReason,
): WaitingOn[] {
  if (isTerminal(tranche.state)) return [];
  if (tranche.state === 'lapsed') return [{ kind: 'remainder_decision', excludedDecider: tranche.createdBy }];
  const held: WaitingOn[] = holds.map((h) => ({ kind: 'committee_hold', holdId: h.id, reason: h.reason, placedAt: h.placedAt }));
  if (tranche.state === 'approved') return [...held, { kind: 'release' }];
  if (tranche.state === 'awaiting_approval' || tranche.state === 'held') {
    return [...held, { kind: 'pbo_decision', excludedApprover: tranche.createdBy }];
  }
  const belowFull = gate.filter((g) => g.verifiedPercent < 100);
  if (belowFull.length === 0 && releaseWait && releaseWait !== 'gate_closed') return [{ kind: 'earned_progress', wait: releaseWait }];
  return belowFull
    .map((g): WaitingOn => {
      const item = { id: g.id, code: g.code, projectCode: g.projectCode };
      return g.pendingDeclaration && g.pendingDeclaration.percent === 100
        ? { kind: 'verification', item, declarationId: g.pendingDeclaration.id, declaredPercent: 100 }
        : { kind: 'declaration', item, verifiedPercent: g.verifiedPercent };
    });
}
