import type { INestApplicationContext } from '@nestjs/common';
import { ApplicationFailure } from '@temporalio/common';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import {
  AppConfig,
  DomainError,
  EscalationActivitiesImpl,
  EscalationSchedule,
  OutboxActivitiesImpl,
  OutboxDispatch,
  OutboxWakeListener,
  runAsActor,
  TrancheActivitiesImpl,
  TrancheReconciler,
} from '@pelekan/modules';
import type { EscalationActivities } from '@pelekan/workflows/escalation.contract';
import type { OutboxActivities } from '@pelekan/workflows/outbox.contract';
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

const TRANCHE_ACTIVITIES: ReadonlyArray<keyof TrancheActivities> = [
  'checkGate',
  'recordTransition',
  'releaseTranche',
  'reconcileGates',
  'assessRelease',
  'recordLapse',
  'releaseInstallment',
  'applyRemainder',
];
const ESCALATION_ACTIVITIES: ReadonlyArray<keyof EscalationActivities> = ['runEscalationSweep'];
const OUTBOX_ACTIVITIES: ReadonlyArray<keyof OutboxActivities> = ['dispatchOutbox'];

export async function createPelekanWorker(options: PelekanWorkerOptions): Promise<Worker> {
  // The escalation sweep's and the gate reconciler's schedules start workflows on this worker's queue.
  await options.app.get(EscalationSchedule).ensure();
  await options.app.get(TrancheReconciler).ensureSchedule();
  // Each outbound channel (e-mail, webhooks) drains its outbox in a long-lived workflow on this queue.
  await options.app.get(OutboxDispatch).ensureRunning();
  await options.app.get(OutboxWakeListener).start();
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    // Memory, not CPU: by default the SDK caches ~2,300 workflows (60% of the heap limit), ~0.3 MiB each,
    // so a worker with 10,000 waiting tranches sat at 920 MiB. Waiting tranches wake about once a day; a
    // cache of WORKFLOW_CACHE_SIZE (500) holds the ones in use (an approval's tasks come seconds apart)
    // and the rest replay their short histories when woken. Bench section 5: 444 MiB with 10,000 open,
    // 424 MiB with 60,000 (the cache, not the number of open workflows, sets the memory).
    maxCachedWorkflows: options.app.get(AppConfig).WORKFLOW_CACHE_SIZE,
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    activities: {
      ...activitiesOf(options.app.get(TrancheActivitiesImpl), TRANCHE_ACTIVITIES),
      ...activitiesOf(options.app.get(EscalationActivitiesImpl), ESCALATION_ACTIVITIES),
      ...activitiesOf(options.app.get(OutboxActivitiesImpl), OUTBOX_ACTIVITIES),
    },
  });
}
