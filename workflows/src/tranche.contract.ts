/**
 * What the tranche workflow and the rest of Pelekan agree on: its input, messages and activities.
 * Pure declarations, safe to import from the API, the worker and the workflow bundle alike.
 */
import type { Duration } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { TrancheDecision, TrancheState } from '../../libs/core/src/tranche';

export const TRANCHE_WORKFLOW_TYPE = 'trancheWorkflow';

export function trancheWorkflowId(trancheId: string): string {
  return `tranche-${trancheId}`;
}

export interface TrancheWorkflowInput {
  trancheId: string;
  /** The PBO officer who created the tranche; may not approve it (four eyes). */
  createdBy: string;
  /** Re-check the gate this often even without a signal, e.g. "1 hour" (tests use seconds). */
  recheckEvery: Duration;
  /**
   * Continue as new once the history passes this many events (default 2,000). Tests set it low to
   * reach continue-as-new in seconds; the API never sets it. Carried across continue-as-new.
   */
  historyLimit?: number;
  /** Carried across continue-as-new. */
  resume?: { state: TrancheState; seq: number; approvedBy?: string };
}

export interface TrancheOutcome {
  state: Extract<TrancheState, 'released' | 'rejected'>;
  ledgerEntryId?: string;
}

export interface TrancheStatus {
  state: TrancheState;
  seq: number;
}

/** A gating item's verification changed: re-evaluate the gate now rather than at the next re-check. */
export const gateChangedSignal = defineSignal('gateChanged');

/** A PBO decision. The validator refuses it at once (four eyes, wrong state, missing reason). */
export const decideUpdate = defineUpdate<TrancheStatus, [TrancheDecision]>('decide');

export const statusQuery = defineQuery<TrancheStatus>('status');

export interface GateCheck {
  open: boolean;
  waitingOn: Array<{ itemId: string; code: string; verifiedPercent: number }>;
}

export interface Transition {
  trancheId: string;
  /** Position in the tranche's history; writes are idempotent per (tranche, seq). */
  seq: number;
  to: TrancheState;
  actorId?: string;
  reason?: string;
  detail?: Record<string, unknown>;
}

export type ReleaseResult =
  | { outcome: 'released'; ledgerEntryId: string }
  /**
   * Nothing paid: the payment transaction found a condition of the release broken (the gate closed,
   * a committee hold, an approver who is not an active PBO officer other than the creator, no
   * approval recorded through the API, a rejected tranche). The workflow goes back to `backTo`.
   */
  | {
      outcome: 'refused';
      backTo: Extract<TrancheState, 'waiting_on_items' | 'awaiting_approval' | 'held' | 'rejected'>;
      reason: string;
      code?: string;
    };

export interface TrancheActivities {
  checkGate(trancheId: string): Promise<GateCheck>;
  recordTransition(transition: Transition): Promise<void>;
  /** Writes the ledger entry exactly once (business key), re-checking the gate in the same transaction. */
  releaseTranche(request: { trancheId: string; seq: number; approvedBy: string }): Promise<ReleaseResult>;
}
