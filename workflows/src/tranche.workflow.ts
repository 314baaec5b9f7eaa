import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { Duration } from '@temporalio/common';
import { refuseDecision, stateAfterDecision, type TrancheDecision, type TrancheState } from '../../libs/core/src/tranche';
import {
  decideUpdate,
  gateChangedSignal,
  RECHECK_FROM_SETTING_PATCH,
  statusQuery,
  type GateCheck,
  type TrancheActivities,
  type TrancheOutcome,
  type TrancheWorkflowInput,
} from './tranche.contract';

const { checkGate, recordTransition } = proxyActivities<TrancheActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

// A short timeout so that a worker killed mid-release is noticed quickly and the payment retried;
// the activity is idempotent, so a retry after a commit finds the entry and pays nothing twice.
const { releaseTranche } = proxyActivities<TrancheActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

/** Keep histories small: a tranche may wait months, woken by signals and a periodic re-check. */
const HISTORY_LIMIT = 2_000;

const isAwaitingDecision = (s: TrancheState) => s === 'awaiting_approval' || s === 'held';

/**
 * One tranche from creation to release or rejection:
 * waiting on items → awaiting approval ⇄ held → approved → released (or rejected). A revoked
 * verification sends it back to waiting on items, up to the moment approval turns into payment.
 */
export async function trancheWorkflow(input: TrancheWorkflowInput): Promise<TrancheOutcome> {
  const { trancheId } = input;
  let state: TrancheState = input.resume?.state ?? 'waiting_on_items';
  let seq = input.resume?.seq ?? 0;
  let approvedBy = input.resume?.approvedBy;
  let gateDirty = true;

  setHandler(gateChangedSignal, () => {
    gateDirty = true;
  });
  setHandler(statusQuery, () => ({ state, seq }));
  setHandler(
    decideUpdate,
    async (decision: TrancheDecision) => {
      // State changes before any await, so a concurrent second decision meets a refusing validator.
      const from = state;
      state = stateAfterDecision(decision.action);
      if (decision.action === 'approve') approvedBy = decision.actorId;
      const mySeq = ++seq;
      await recordTransition({
        trancheId,
        seq: mySeq,
        to: stateAfterDecision(decision.action),
        actorId: decision.actorId,
        reason: decision.reason,
        detail: { decision: decision.action, from },
      });
      return { state: stateAfterDecision(decision.action), seq: mySeq };
    },
    {
      validator: (decision: TrancheDecision) => {
        const refusal = refuseDecision({ state, createdBy: input.createdBy }, decision);
        if (refusal) throw ApplicationFailure.nonRetryable(refusal.message, refusal.code);
      },
    },
  );

  /** The interval from the setting, once the patch is in (undefined before: the input's interval). */
  let recheckMs: number | undefined;

  const checkGateNow = async (): Promise<GateCheck> => {
    gateDirty = false;
    const gate = await checkGate(trancheId);
    if (gate.recheckEveryMs !== undefined && patched(RECHECK_FROM_SETTING_PATCH)) recheckMs = gate.recheckEveryMs;
    return gate;
  };

  /** How long to wait for a signal before re-checking anyway; Math.random is Temporal's deterministic one. */
  const recheckDelay = (): Duration =>
    recheckMs === undefined ? input.recheckEvery : Math.max(1_000, Math.round(recheckMs * (0.8 + 0.4 * Math.random())));

  const transition = async (to: TrancheState, reason: string, detail: Record<string, unknown> = {}) => {
    state = to;
    await recordTransition({ trancheId, seq: ++seq, to, reason, detail });
  };

  /** True when the gate is open; re-checks on a signal or every `recheckDelay()`. */
  const gateOpens = async (): Promise<boolean> => (await checkGateNow()).open;

  const historyLimit = input.historyLimit ?? HISTORY_LIMIT;
  while (!historyIsLong(historyLimit)) {
    switch (state) {
      case 'waiting_on_items': {
        if (gateDirty && (await gateOpens())) {
          await transition('awaiting_approval', 'every gating item is 100% verified');
        } else if (!(await condition(() => gateDirty, recheckDelay()))) {
          gateDirty = true; // periodic re-check: covers a signal lost between the API and Temporal
        }
        break;
      }
      case 'awaiting_approval':
      case 'held': {
        if (!(await condition(() => gateDirty || !isAwaitingDecision(state), recheckDelay()))) gateDirty = true;
        if (gateDirty && isAwaitingDecision(state)) {
          const gate = await checkGateNow();
          if (!gate.open && isAwaitingDecision(state)) {
            await transition('waiting_on_items', 'a gating item is no longer 100% verified', {
              waitingOn: gate.waitingOn.map((i) => i.code),
            });
          }
        }
        break;
      }
      case 'approved': {
        // The approval's own record lands before the payment's, so the history reads in order.
        await condition(allHandlersFinished);
        const result = await releaseTranche({ trancheId, seq: ++seq, approvedBy: approvedBy! });
        if (result.outcome === 'released') {
          state = 'released';
          return { state: 'released', ledgerEntryId: result.ledgerEntryId };
        }
        await transition(result.backTo, `approval voided before payment: ${result.reason}`);
        gateDirty = true;
        break;
      }
      case 'rejected':
        await condition(allHandlersFinished);
        return { state: 'rejected' };
      case 'released':
        return { state: 'released' };
    }
  }

  await condition(allHandlersFinished);
  // The next run starts with the interval last learnt from the setting (patched runs only).
  const recheckEvery = recheckMs ?? input.recheckEvery;
  return continueAsNew<typeof trancheWorkflow>({ ...input, recheckEvery, resume: { state, seq, approvedBy } });
}

function historyIsLong(limit: number): boolean {
  const info = workflowInfo();
  return info.continueAsNewSuggested || info.historyLength > limit;
}
