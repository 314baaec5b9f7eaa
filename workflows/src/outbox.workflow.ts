import { condition, continueAsNew, defineSignal, proxyActivities, setHandler } from '@temporalio/workflow';
import { OUTBOX_WAKE_SIGNAL, type OutboxActivities, type OutboxDispatchInput } from './outbox.contract';

const { dispatchOutbox } = proxyActivities<OutboxActivities>({
  // One batch: a few dozen SMTP or HTTP exchanges with their own timeouts.
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '5 seconds', maximumInterval: '1 minute' },
});

export const outboxWake = defineSignal(OUTBOX_WAKE_SIGNAL);

/** Rounds one run makes before continuing as new, so the history stays short. */
const ROUNDS_PER_RUN = 200;

/**
 * Drains one channel's outbox for ever: a batch, then (when nothing more is due) a sleep of the poll
 * interval or until woken. Per-message retries and backoff live in the outbox table, not here, so one
 * unreachable receiver never holds back the others.
 */
export async function outboxDispatchWorkflow(input: OutboxDispatchInput): Promise<void> {
  let woken = false;
  setHandler(outboxWake, () => {
    woken = true;
  });
  let pollMs = input.pollMs;
  for (let round = 0; round < ROUNDS_PER_RUN; round++) {
    woken = false;
    const outcome = await dispatchOutbox(input.channel);
    pollMs = outcome.pollMs ?? pollMs;
    if (outcome.more) continue;
    // A retry due sooner than the poll shortens the sleep (never below a second, never above the poll).
    const sleepMs = outcome.nextDueInMs === null ? pollMs : Math.min(pollMs, Math.max(1_000, outcome.nextDueInMs));
    await condition(() => woken, sleepMs);
  }
  await continueAsNew<typeof outboxDispatchWorkflow>({ ...input, pollMs });
}
