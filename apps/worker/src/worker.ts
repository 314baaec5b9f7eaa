import type { INestApplicationContext } from '@nestjs/common';
import { ApplicationFailure } from '@temporalio/common';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { DomainError, EscalationActivitiesImpl, EscalationSchedule, runAsActor, TrancheActivitiesImpl } from '@pelekan/modules';
import type { EscalationActivities } from '@pelekan/workflows/escalation.contract';
import type { TrancheActivities } from '@pelekan/workflows/tranche.contract';

export const WORKFLOWS_PATH = require.resolve('../../../workflows/src');

export interface PelekanWorkerOptions {
  /** The Nest application context the activities come from (their database, ledger, ...). */
  app: INestApplicationContext;
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  /** A prebuilt bundle (production); without it the workflows are bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
}

/**
 * A business refusal (a DomainError below 500 other than 429: invalid input, conflict, not found, forbidden) will
 * answer the same on every attempt, so it fails the activity for good, with its code as the failure
 * type for the workflow to branch on. Anything else (PostgreSQL down, a 503, a bug) is left to
 * Temporal's retry policy.
 */
export function asActivityFailure(error: unknown): unknown {
  if (error instanceof DomainError && error.status < 500 && error.status !== 429) {
    return ApplicationFailure.nonRetryable(error.message, error.code, error.details);
  }
  return error;
}

type Activity = (...args: unknown[]) => Promise<unknown>;

/** Binds an injectable's methods so Temporal can call them as plain functions. */
export function activitiesOf<T extends object>(instance: T, names: ReadonlyArray<keyof T>): Record<string, Activity> {
  return Object.fromEntries(
    names.map((name) => {
      const activity = (instance[name] as unknown as Activity).bind(instance);
      // The audit log names the worker as the actor of what activities write.
      const run: Activity = (...args) =>
        runAsActor({ actorId: 'system:worker', context: `activity ${String(name)}` }, () => activity(...args)).catch((error: unknown) => {
          throw asActivityFailure(error);
        });
      return [name as string, run];
    }),
  );
}

const TRANCHE_ACTIVITIES: ReadonlyArray<keyof TrancheActivities> = ['checkGate', 'recordTransition', 'releaseTranche'];
const ESCALATION_ACTIVITIES: ReadonlyArray<keyof EscalationActivities> = ['runEscalationSweep'];

export async function createPelekanWorker(options: PelekanWorkerOptions): Promise<Worker> {
  // The escalation sweep's schedule starts workflows on this worker's queue; make sure it exists.
  await options.app.get(EscalationSchedule).ensure();
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    activities: {
      ...activitiesOf(options.app.get(TrancheActivitiesImpl), TRANCHE_ACTIVITIES),
      ...activitiesOf(options.app.get(EscalationActivitiesImpl), ESCALATION_ACTIVITIES),
    },
  });
}
