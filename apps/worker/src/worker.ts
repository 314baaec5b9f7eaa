import type { INestApplicationContext } from '@nestjs/common';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { EscalationActivitiesImpl, EscalationSchedule, runAsActor, TrancheActivitiesImpl } from '@pelekan/modules';
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

/** Binds an injectable's methods so Temporal can call them as plain functions. */
export function activitiesOf<T extends object>(instance: T, names: ReadonlyArray<keyof T>): Record<string, Function> {
  return Object.fromEntries(
    names.map((name) => {
      const activity = (instance[name] as unknown as Function).bind(instance);
      // The audit log names the worker as the actor of what activities write.
      return [name as string, (...args: unknown[]) => runAsActor({ actorId: 'system:worker', context: `activity ${String(name)}` }, () => activity(...args))];
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
