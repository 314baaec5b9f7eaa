/**
 * The escalation sweep: a Temporal Schedule starts one short workflow per period, which runs one
 * set-based activity over every item. Pure declarations, shared by the API, the worker and the bundle.
 */
export const ESCALATION_SWEEP_WORKFLOW_TYPE = 'escalationSweepWorkflow';

export function escalationScheduleId(taskQueue: string): string {
  return `escalation-sweep-${taskQueue}`;
}

export interface SweepRequest {
  /** Unique per scheduled run (the workflow id): a retried activity finds its own finished sweep. */
  runKey: string;
  /** The instant the sweep judges "now" by: the run's scheduled time, so a late run judges its own period. */
  at: string;
}

export interface SweepOutcome {
  sweepId: string;
  examined: number;
  stalled: number;
  opened: number;
  climbed: number;
  resolved: number;
  notified: number;
}

export interface EscalationActivities {
  runEscalationSweep(request: SweepRequest): Promise<SweepOutcome>;
}
