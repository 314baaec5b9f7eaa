import { Injectable, Logger } from '@nestjs/common';
import {
  isGrpcServiceError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TrancheDecision } from '@pelekan/core';
import {
  decideUpdate,
  gateChangedSignal,
  remainderUpdate,
  type RemainderRequest,
  TRANCHE_WORKFLOW_TYPE,
  trancheWorkflowId,
  type TrancheStatus,
  type TrancheWorkflowInput,
} from '@pelekan/workflows/tranche.contract';
import { Conflict, DependencyUnavailable, DomainError, Forbidden, InvalidInput } from '../common/errors';
import { AppConfig } from '../config';
import { TemporalClient } from '../temporal';

interface TrancheRef {
  id: string;
  createdBy: string;
}

/** The API's side of the tranche workflow: start it, nudge it, put a PBO decision to it. */
@Injectable()
export class TrancheWorkflows {
  private readonly logger = new Logger(TrancheWorkflows.name);

  constructor(
    private readonly temporal: TemporalClient,
    private readonly config: AppConfig,
  ) {}

  private input(tranche: TrancheRef): TrancheWorkflowInput {
    return {
      trancheId: tranche.id,
      createdBy: tranche.createdBy,
      recheckEvery: this.config.GATE_RECHECK_INTERVAL as TrancheWorkflowInput['recheckEvery'],
    };
  }

  /** Starts the workflow; starting one that already runs is a no-op (the id comes from the tranche). */
  async start(tranche: TrancheRef): Promise<void> {
    await unavailableAs503(() =>
      this.temporal.client.workflow.start(TRANCHE_WORKFLOW_TYPE, {
        taskQueue: this.temporal.taskQueue,
        workflowId: trancheWorkflowId(tranche.id),
        args: [this.input(tranche)],
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      }),
    );
  }

  /** Tells a waiting tranche its gate may have changed; starts the workflow if it was never started. */
  async gateChanged(tranche: TrancheRef): Promise<void> {
    try {
      await this.temporal.client.workflow.signalWithStart(TRANCHE_WORKFLOW_TYPE, {
        taskQueue: this.temporal.taskQueue,
        workflowId: trancheWorkflowId(tranche.id),
        args: [this.input(tranche)],
        signal: gateChangedSignal,
        signalArgs: [],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      });
    } catch (error) {
      // A finished workflow needs no nudge; anything else is covered by the workflow's periodic re-check.
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) {
        this.logger.warn(`could not signal tranche ${tranche.id}: ${(error as Error).message}`);
      }
    }
  }

  /**
   * Signals the tranche's running workflow that its gate changed; false when it has none (never
   * started, or finished). Unlike `gateChanged` it starts nothing: the gate reconciler uses it, and
   * starting missing workflows is `TrancheReconciler.startPendingWorkflows`' job.
   */
  async signal(tranche: TrancheRef): Promise<boolean> {
    try {
      await this.temporal.client.workflow.getHandle(trancheWorkflowId(tranche.id)).signal(gateChangedSignal);
      return true;
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return false;
      throw error;
    }
  }

  /** Puts a remainder decision to the workflow and waits until it is applied; refusals come back as 4xx. */
  async decideRemainder(tranche: TrancheRef, request: RemainderRequest): Promise<TrancheStatus> {
    const handle = this.temporal.client.workflow.getHandle(trancheWorkflowId(tranche.id));
    try {
      return await unavailableAs503(() => handle.executeUpdate(remainderUpdate, { args: [request] }));
    } catch (error) {
      throw refusalFrom(error);
    }
  }

  /** Puts a decision to the workflow and waits until it is recorded; refusals come back as 4xx. */
  async decide(tranche: TrancheRef, decision: TrancheDecision): Promise<TrancheStatus> {
    const handle = this.temporal.client.workflow.getHandle(trancheWorkflowId(tranche.id));
    try {
      return await unavailableAs503(() => handle.executeUpdate(decideUpdate, { args: [decision] }));
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) {
        await this.start(tranche);
        return unavailableAs503(() => handle.executeUpdate(decideUpdate, { args: [decision] }));
      }
      throw refusalFrom(error);
    }
  }
}

/** Maps the workflow validator's refusal codes (shared with the API's pre-check) to HTTP meanings. */
export function refusalAsError(code: string | undefined, message: string): DomainError {
  switch (code) {
    case 'four_eyes':
      return new Forbidden(message, code);
    case 'reason_required':
      return InvalidInput.field('reason', message);
    default:
      return new Conflict(message, code ?? 'refused');
  }
}

function refusalFrom(error: unknown): unknown {
  if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
    return refusalAsError(error.cause.type ?? undefined, error.cause.message);
  }
  if (error instanceof WorkflowUpdateFailedError) {
    // Not a refusal: the run ended or moved on (a worker died, a continue-as-new) before the update
    // finished. Asking again is safe — a decision that did land makes the repeat a 409.
    return new DependencyUnavailable('temporal', "the tranche's workflow could not take the decision just now; try again shortly");
  }
  return error;
}

const UNAVAILABLE = 14;
const DEADLINE_EXCEEDED = 4;

/** True when the error, or one it wraps, says Temporal could not be reached. */
export function isTemporalUnreachable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (isGrpcServiceError(e) && [UNAVAILABLE, DEADLINE_EXCEEDED].includes(Number(e.code))) return true;
    if ((e as { name?: unknown }).name === 'TransportError') return true;
  }
  return false;
}

async function unavailableAs503<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (isTemporalUnreachable(error)) {
      throw new DependencyUnavailable('temporal', 'the workflow service is unreachable; try again shortly');
    }
    throw error;
  }
}
