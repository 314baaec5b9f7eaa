import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { EscalationActivities, SweepOutcome } from './escalation.contract';

const { runEscalationSweep } = proxyActivities<EscalationActivities>({
  // One transaction over every item; generous, since at national scale it takes seconds, not minutes.
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '5 seconds', maximumInterval: '5 minutes' },
});

const SCHEDULED_START = defineSearchAttributeKey('TemporalScheduledStartTime', SearchAttributeType.DATETIME);

/** One period's sweep, started by the escalation Schedule (or by an admin's "sweep now"). */
export async function escalationSweepWorkflow(): Promise<SweepOutcome> {
  const info = workflowInfo();
  const scheduled = info.typedSearchAttributes.get(SCHEDULED_START);
  return runEscalationSweep({ runKey: info.workflowId, at: (scheduled ?? info.runStartTime).toISOString() });
}
