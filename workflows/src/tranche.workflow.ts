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
  RELEASE_RULES_PATCH,
  remainderUpdate,
  statusQuery,
  type GateCheck,
  type RemainderRequest,
  type TrancheActivities,
  type TrancheOutcome,
  type TrancheWorkflowInput,
} from './tranche.contract';

const { checkGate, recordTransition, assessRelease, recordLapse, applyRemainder } = proxyActivities<TrancheActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

// A short timeout so that a worker killed mid-release is noticed quickly and the payment retried;
// the activity is idempotent, so a retry after a commit finds the entry and pays nothing twice.
const { releaseTranche, releaseInstallment } = proxyActivities<TrancheActivities>({
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

  /** A remainder decision is being applied: a second one is refused until it is done. */
  let remainderInFlight = false;
  setHandler(
    remainderUpdate,
    async (request: RemainderRequest) => {
      remainderInFlight = true;
      try {
        const mySeq = ++seq;
        const result = await applyRemainder({ trancheId, seq: mySeq, decisionId: request.decisionId });
        if (result.outcome === 'refused') throw ApplicationFailure.nonRetryable(result.message, result.code);
        state = result.state;
        gateDirty = true;
        return { state, seq: mySeq };
      } finally {
        remainderInFlight = false;
      }
    },
    {
      validator: (_request: RemainderRequest) => {
        if (state !== 'lapsed' || remainderInFlight) {
          throw ApplicationFailure.nonRetryable(`the tranche is ${state.replace(/_/g, ' ')}, not lapsed`, 'not_lapsed');
        }
      },
    },
  );

  /** The interval from the setting, once the patch is in (undefined before: the input's interval). */
  let recheckMs: number | undefined;
  /** The run's first gate check, taken before the loop under RELEASE_RULES_PATCH; the loop's first check uses it. */
  let firstCheck: GateCheck | undefined;

  const checkGateNow = async (): Promise<GateCheck> => {
    gateDirty = false;
    const gate = firstCheck ?? (await checkGate(trancheId));
    firstCheck = undefined;
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

  /** The next run starts where this one stands, with the interval last learnt from the setting. */
  const continued = async (): Promise<TrancheOutcome> => {
    await condition(allHandlersFinished);
    const recheckEvery = recheckMs ?? input.recheckEvery;
    return continueAsNew<typeof trancheWorkflow>({ ...input, recheckEvery, resume: { state, seq, approvedBy } });
  };

  /**
   * Results-based tranches (a pro_rata or banded rule, or a due date): installments as the verified work
   * earns them, each approved and paid like a whole tranche; at the due date a last installment of what
   * was earned, then the lapse of the rest and a PBO decision on it. The activities judge by the core
   * rules on the database's facts; the workflow only sequences them and keeps the due date's timer.
   */
  const resultsTranche = async (): Promise<TrancheOutcome> => {
    let dueAtMs: number | null = null;
    const assess = async () => {
      gateDirty = false;
      const a = await assessRelease(trancheId);
      recheckMs = a.recheckEveryMs;
      dueAtMs = a.dueAt === null ? null : Date.parse(a.dueAt);
      return a;
    };
    /** Until the next re-check without a signal, or the due date if sooner (Date.now is workflow time). */
    const untilWake = (): number => {
      const recheck = Math.max(1_000, Math.round((recheckMs ?? 86_400_000) * (0.8 + 0.4 * Math.random())));
      return dueAtMs === null ? recheck : Math.max(1, Math.min(recheck, dueAtMs - Date.now()));
    };

    while (!historyIsLong(historyLimit)) {
      switch (state) {
        case 'waiting_on_items': {
          if (gateDirty) {
            const a = await assess();
            if (a.next === 'pay') {
              await transition('awaiting_approval', `installment ${a.installment} of ${a.payableRials} rials is earned`, {
                installment: a.installment,
                payableRials: a.payableRials,
                final: a.final,
              });
              break;
            }
            if (a.next === 'lapse') {
              await recordLapse({ trancheId, seq: ++seq });
              state = 'lapsed';
              break;
            }
            if (a.next === 'done') return { state: 'released' };
          }
          if (!(await condition(() => gateDirty, untilWake()))) gateDirty = true;
          break;
        }
        case 'awaiting_approval':
        case 'held': {
          if (!(await condition(() => gateDirty || !isAwaitingDecision(state), untilWake()))) gateDirty = true;
          if (gateDirty && isAwaitingDecision(state)) {
            const a = await assess();
            if (a.next !== 'pay' && isAwaitingDecision(state)) {
              await transition('waiting_on_items', 'no installment is payable any more', { wait: a.wait ?? a.next });
              gateDirty = true;
            }
          }
          break;
        }
        case 'approved': {
          await condition(allHandlersFinished);
          const result = await releaseInstallment({ trancheId, seq: ++seq, approvedBy: approvedBy! });
          if (result.outcome === 'released') {
            if (result.complete) {
              state = 'released';
              return { state: 'released', ledgerEntryId: result.ledgerEntryId };
            }
            state = 'waiting_on_items';
          } else {
            await transition(result.backTo, `approval voided before payment: ${result.reason}`);
          }
          gateDirty = true;
          break;
        }
        case 'lapsed':
          // Only a remainder decision (the update above) moves it on.
          await condition(() => state !== 'lapsed');
          break;
        case 'closed':
          await condition(allHandlersFinished);
          return { state: 'closed' };
        case 'rejected':
          await condition(allHandlersFinished);
          return { state: 'rejected' };
        case 'released':
          return { state: 'released' };
      }
    }
    return continued();
  };

  if (patched(RELEASE_RULES_PATCH)) {
    const first = await checkGate(trancheId);
    if (first.resultsBased) return resultsTranche();
    // The loop below starts with a gate check when the run starts waiting: this one serves it.
    if (state === 'waiting_on_items') firstCheck = first;
  }

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
      case 'lapsed':
      case 'closed':
        // Only results-based tranches lapse; an all_or_nothing run never reaches these.
        throw ApplicationFailure.nonRetryable(`an all_or_nothing tranche cannot be ${state}`, 'invalid_state');
    }
  }
  return continued();
}

function historyIsLong(limit: number): boolean {
  const info = workflowInfo();
  return info.continueAsNewSuggested || info.historyLength > limit;
}
