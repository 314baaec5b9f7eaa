import { isStale } from './freshness';

describe('staleness', () => {
  const day = 86_400_000;
  const created = new Date('2026-01-01T00:00:00Z');
  it('counts from the last verified update, else from creation', () => {
    const now = new Date(created.getTime() + 10 * day);
    expect(isStale(null, created, now, 9 * day)).toBe(true);
    expect(isStale(null, created, now, 10 * day)).toBe(false);
    expect(isStale(new Date(created.getTime() + 5 * day), created, now, 9 * day)).toBe(false);
  });
});
