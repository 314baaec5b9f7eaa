/**
 * Outbox dispatch: one long-lived workflow per channel (e-mail, webhooks) drains that channel's outbox
 * table through one activity, then sleeps until the poll interval passes or the API signals that it
 * wrote new messages. Pure declarations, shared by the API, the worker and the bundle.
 */
export const OUTBOX_DISPATCH_WORKFLOW_TYPE = 'outboxDispatchWorkflow';
export const OUTBOX_WAKE_SIGNAL = 'outboxWake';

export type OutboxChannelName = 'email' | 'webhook';

export function outboxDispatchWorkflowId(channel: OutboxChannelName, taskQueue: string): string {
  return `outbox-${channel}-${taskQueue}`;
}

export interface OutboxDispatchInput {
  channel: OutboxChannelName;
  /** Milliseconds to sleep when the outbox has nothing due (OUTBOX_POLL_INTERVAL when started; each batch's result updates it). */
  pollMs: number;
}

export interface DispatchOutcome {
  /** Messages attempted in this batch. */
  attempted: number;
  delivered: number;
  failed: number;
  /** True when more messages were due than one batch takes: dispatch again at once. */
  more: boolean;
  /**
   * Milliseconds until the earliest pending message (a retry waiting out its backoff) falls due, or null
   * when none waits: the dispatcher sleeps no longer than this, so a retry never waits for the poll.
   */
  nextDueInMs: number | null;
  /**
   * OUTBOX_POLL_INTERVAL as the worker reads it now (set by the dispatch activity, not by channels), so a
   * changed setting reaches the long-lived workflow; absent in results recorded before it existed.
   */
  pollMs?: number;
}

export interface OutboxActivities {
  dispatchOutbox(channel: OutboxChannelName): Promise<DispatchOutcome>;
}
