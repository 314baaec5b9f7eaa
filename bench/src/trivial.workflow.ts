import { proxyActivities } from '@temporalio/workflow';

const { noop } = proxyActivities<{ noop(): Promise<void> }>({ startToCloseTimeout: '10 seconds' });

/** The floor for the release path: one workflow, one activity, nothing else. */
export async function trivialWorkflow(): Promise<void> {
  await noop();
}
