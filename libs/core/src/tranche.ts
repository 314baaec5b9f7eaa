/** Tranche states and the rules for a PBO decision, shared by the API (early refusal) and the workflow (authority). */

export const TRANCHE_STATES = [
  'waiting_on_items',
  'awaiting_approval',
  'held',
  'approved',
  'released',
  'rejected',
] as const;
export type TrancheState = (typeof TRANCHE_STATES)[number];

export const TRANCHE_DECISIONS = ['approve', 'hold', 'reject'] as const;
export type TrancheDecisionAction = (typeof TRANCHE_DECISIONS)[number];

export const TERMINAL_TRANCHE_STATES: readonly TrancheState[] = ['released', 'rejected'];

export function isTerminal(state: TrancheState): boolean {
  return TERMINAL_TRANCHE_STATES.includes(state);
}

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
