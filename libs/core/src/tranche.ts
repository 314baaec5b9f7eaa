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
