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
  /**
   * Re-check the gate this often even without a signal, e.g. "1 day" (tests use seconds): the setting
   * when the workflow started. Once a gate check has answered, the interval it returns (the setting as it
   * is now) takes over, so running workflows follow a changed setting.
   */
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
  state: Extract<TrancheState, 'released' | 'closed' | 'rejected'>;
  ledgerEntryId?: string;
}

export interface TrancheStatus {
  state: TrancheState;
  seq: number;
}

/**
 * Patch id: the workflow waits between re-checks for the interval the last gate check returned (the
 * worker's current GATE_RECHECK_INTERVAL, so running workflows follow a change of the setting), spread
 * ±20% so that tranches started together do not all wake together. Before it, every wait took the
 * input's interval.
 */
export const RECHECK_FROM_SETTING_PATCH = 'recheck-interval-from-setting';

/**
 * Patch id: a run first checks its gate before anything else, and a tranche whose release rule is not
 * all_or_nothing or that has a due date (`GateCheck.resultsBased`) runs the results-based loop:
 * installments, the due date, the lapsed remainder (issue 12). Runs before it are all all_or_nothing.
 */
export const RELEASE_RULES_PATCH = 'release-rules';

/** A gating item's verification changed: re-evaluate the gate now rather than at the next re-check. */
export const gateChangedSignal = defineSignal('gateChanged');

/** A PBO decision. The validator refuses it at once (four eyes, wrong state, missing reason). */
export const decideUpdate = defineUpdate<TrancheStatus, [TrancheDecision]>('decide');

export const statusQuery = defineQuery<TrancheStatus>('status');

/** A PBO decision on a lapsed remainder, recorded by the API first (`decisionId`); the activity re-checks it. */
export interface RemainderRequest {
  decisionId: string;
  actorId: string;
}

/** Applies a recorded remainder decision to a lapsed tranche; refused at once unless it is lapsed. */
export const remainderUpdate = defineUpdate<TrancheStatus, [RemainderRequest]>('decideRemainder');

export interface GateCheck {
  open: boolean;
  waitingOn: Array<{ itemId: string; code: string; verifiedPercent: number }>;
  /**
   * How long to wait before re-checking without a signal, in milliseconds: the worker's current
   * GATE_RECHECK_INTERVAL. Absent from the answers of workers before it was added.
   */
  recheckEveryMs?: number;
  /** The tranche's release rule is not all_or_nothing, or it has a due date: it pays under the results-based loop. */
  resultsBased?: boolean;
}

/** What a results-based tranche should do now, judged by core `nextInstallment` on the database's facts. */
export interface ReleaseAssessment {
  next: 'pay' | 'wait' | 'lapse' | 'done';
  /** The installment that would be paid now (decimal rials), "0" unless `next` is pay. */
  payableRials: string;
  /** Its number within the tranche. */
  installment: number;
  /** Nothing more can be paid after it. */
  final: boolean;
  /** What it waits for when `next` is wait (core ReleaseWaitReason). */
  wait?: string;
  /** The due date now (an extension moves it), ISO 8601. */
  dueAt: string | null;
  recheckEveryMs: number;
}

export type InstallmentResult =
  | { outcome: 'released'; ledgerEntryId: string; installment: number; amountRials: string; complete: boolean }
  | {
      outcome: 'refused';
      backTo: Extract<TrancheState, 'waiting_on_items' | 'awaiting_approval' | 'held' | 'rejected'>;
      reason: string;
      code?: string;
    };

export type RemainderResult =
  | { outcome: 'applied'; state: Extract<TrancheState, 'closed' | 'waiting_on_items'> }
  | { outcome: 'refused'; code: string; message: string };

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

/** The scheduled gate reconciler: one short workflow per period, started by a Temporal Schedule. */
export const TRANCHE_RECONCILE_WORKFLOW_TYPE = 'trancheReconcileWorkflow';

export function trancheReconcileScheduleId(taskQueue: string): string {
  return `tranche-reconcile-${taskQueue}`;
}

/** What one reconciler run found and did. */
export interface GateReconciliation {
  /** Open tranches whose gate moved recently and whose state disagrees with it (opened or closed unnoticed). */
  found: number;
  /** Of those, signalled. */
  signalled: number;
  /** Of those, with no running workflow to signal (left to the workflow reconciler). */
  withoutWorkflow: number;
}

export interface TrancheActivities {
  checkGate(trancheId: string): Promise<GateCheck>;
  recordTransition(transition: Transition): Promise<void>;
  /** Writes the ledger entry exactly once (business key), re-checking the gate in the same transaction. */
  releaseTranche(request: { trancheId: string; seq: number; approvedBy: string }): Promise<ReleaseResult>;
  /** Signals the open tranches whose gate opened or closed without their workflow noticing (a lost signal). */
  reconcileGates(): Promise<GateReconciliation>;
  /** Results-based tranches: what is payable now under the release rule, from the database. */
  assessRelease(trancheId: string): Promise<ReleaseAssessment>;
  /** Records the lapse of what was not released (idempotent per (tranche, seq)); the tranche becomes lapsed. */
  recordLapse(request: { trancheId: string; seq: number }): Promise<{ undisbursedRials: string }>;
  /** Pays the next installment exactly once, re-checking everything in the payment transaction. */
  releaseInstallment(request: { trancheId: string; seq: number; approvedBy: string }): Promise<InstallmentResult>;
  /** Applies a recorded remainder decision, re-checked against the database (idempotent per decision). */
  applyRemainder(request: { trancheId: string; seq: number; decisionId: string }): Promise<RemainderResult>;
}
