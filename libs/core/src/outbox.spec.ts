import { afterFailedAttempt, outboxRetryDelayMs, type OutboxRetryPolicy } from './outbox';

const policy: OutboxRetryPolicy = { initialMs: 1_000, maxMs: 60_000, maxAttempts: 5 };

describe('outbox retries', () => {
  it('doubles the wait after each failure and caps it', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => outboxRetryDelayMs(n, policy))).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000]);
    expect(outboxRetryDelayMs(10_000, policy)).toBe(60_000);
  });

  it('refuses an attempt count that is not a positive integer', () => {
    expect(() => outboxRetryDelayMs(0, policy)).toThrow(RangeError);
    expect(() => outboxRetryDelayMs(1.5, policy)).toThrow(RangeError);
  });

  it('keeps a message pending until the last allowed attempt, then fails it', () => {
    const now = new Date('2026-12-05T10:00:00Z');
    expect(afterFailedAttempt(1, now, policy)).toEqual({ status: 'pending', nextAttemptAt: new Date('2026-12-05T10:00:01Z') });
    expect(afterFailedAttempt(4, now, policy)).toEqual({ status: 'pending', nextAttemptAt: new Date('2026-12-05T10:00:08Z') });
    expect(afterFailedAttempt(5, now, policy)).toEqual({ status: 'failed', nextAttemptAt: null });
  });
});
