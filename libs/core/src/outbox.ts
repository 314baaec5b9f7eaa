/**
 * Outbox delivery rules, shared by every channel that leaves Pelekan (e-mail, webhooks): a message is
 * written in the transaction of the fact it reports, then delivered at least once. A failed attempt
 * waits longer each time (doubling, capped); after the last allowed attempt the message is `failed`
 * and waits for an administrator's redeliver. Pure: the caller passes "now".
 */
export interface OutboxRetryPolicy {
  /** Wait after the first failed attempt. */
  initialMs: number;
  /** The longest wait between attempts. */
  maxMs: number;
  /** Attempts before the message is given up as failed (an administrator may redeliver it). */
  maxAttempts: number;
}

export type OutboxStatus = 'pending' | 'delivered' | 'failed';

/** The wait after `failedAttempts` failures (1 → initialMs, 2 → 2×initialMs, ... capped at maxMs). */
export function outboxRetryDelayMs(failedAttempts: number, policy: OutboxRetryPolicy): number {
  if (!Number.isInteger(failedAttempts) || failedAttempts < 1) throw new RangeError(`failedAttempts must be a positive integer, not ${failedAttempts}`);
  // 2^30 × anything sensible already exceeds any cap; stop doubling there so the number stays finite.
  const factor = 2 ** Math.min(failedAttempts - 1, 30);
  return Math.min(policy.maxMs, policy.initialMs * factor);
}

export type OutboxNext = { status: 'pending'; nextAttemptAt: Date } | { status: 'failed'; nextAttemptAt: null };

/** Where a message stands after its attempt number `failedAttempts` failed at `now`. */
export function afterFailedAttempt(failedAttempts: number, now: Date, policy: OutboxRetryPolicy): OutboxNext {
  if (failedAttempts >= policy.maxAttempts) return { status: 'failed', nextAttemptAt: null };
  return { status: 'pending', nextAttemptAt: new Date(now.getTime() + outboxRetryDelayMs(failedAttempts, policy)) };
}
