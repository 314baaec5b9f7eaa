import type { Client } from '@temporalio/client';

/** Which worker completed an activity of a workflow, at which attempt and when (from its history). */
export interface ActivityRun {
  /** The worker's identity: `<pid>@<host>` unless the worker set another. */
  identity: string;
  attempt: number;
  completedAt: number;
}

/** A protobuf Timestamp (seconds as a Long or a number) in epoch milliseconds. */
function millis(time: { seconds?: { toString(): string } | number | null; nanos?: number | null } | null | undefined): number {
  const seconds = time?.seconds;
  return (typeof seconds === 'number' ? seconds : Number(seconds?.toString() ?? 0)) * 1000 + Math.floor((time?.nanos ?? 0) / 1e6);
}

/** The completed run of the activity `activityType` in the workflow `workflowId`, or null. */
export async function completedActivity(client: Client, workflowId: string, activityType: string): Promise<ActivityRun | null> {
  const events = (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
  const byId = new Map(events.map((e) => [String(e.eventId), e]));
  for (const event of events) {
    const completed = event.activityTaskCompletedEventAttributes;
    if (!completed) continue;
    const scheduled = byId.get(String(completed.scheduledEventId))?.activityTaskScheduledEventAttributes;
    if (scheduled?.activityType?.name !== activityType) continue;
    const started = byId.get(String(completed.startedEventId))?.activityTaskStartedEventAttributes;
    return { identity: completed.identity || started?.identity || '', attempt: started?.attempt ?? 0, completedAt: millis(event.eventTime) };
  }
  return null;
}
