import { CounterRef, CounterRow, SharedCounters, SharedRateLimit, slidingLimit } from './public-limit';

const MINUTE = 60_000;

/** PostgreSQL's rate_limit_counters, as a map every instance of a test shares. */
class MemoryCounters implements SharedCounters {
  readonly rows = new Map<string, number>();
  failing = false;
  exchanges = 0;

  async exchange(adds: CounterRow[], reads: CounterRef[]): Promise<CounterRow[]> {
    await Promise.resolve();
    this.exchanges++;
    if (this.failing) throw new Error('connection refused');
    for (const a of adds) this.rows.set(`${a.windowMs} ${a.key}`, (this.rows.get(`${a.windowMs} ${a.key}`) ?? 0) + a.hits);
    return reads.flatMap((r) => {
      const hits = this.rows.get(`${r.windowMs} ${r.key}`);
      return hits === undefined ? [] : [{ ...r, hits }];
    });
  }

  async purge(): Promise<void> {}

  total(key: string, windowMs: number): number {
    return this.rows.get(`${windowMs} ${key}`) ?? 0;
  }
}

describe('slidingLimit', () => {
  it('counts this window exactly when the previous one was empty, and waits for the window to end', () => {
    expect(slidingLimit({ previous: 0, current: 5, elapsedMs: 10_000, lengthMs: MINUTE, max: 5 })).toEqual({ count: 5, retryInMs: 50_000 });
    // Over: the next window starts with these 6 hits as its previous ones; one more fits once 6·(1 − t/60 s) + 1 ≤ 5, t = 20 s.
    expect(slidingLimit({ previous: 0, current: 6, elapsedMs: 10_000, lengthMs: MINUTE, max: 5 })).toEqual({ count: 6, retryInMs: 70_000 });
  });

  it("weighs the previous window's hits by how much of it is still within the last minute", () => {
    // A quarter into this window: three quarters of the previous window's 8 hits still count.
    expect(slidingLimit({ previous: 8, current: 1, elapsedMs: 15_000, lengthMs: MINUTE, max: 10 }).count).toBe(7);
    // Over because of the previous window: fits again once 8·(1 − t/60 s) + 3 + 1 ≤ 10, t = 15 s.
    expect(slidingLimit({ previous: 8, current: 3, elapsedMs: 5_000, lengthMs: MINUTE, max: 10 })).toEqual({ count: 11, retryInMs: 10_000 });
  });

  it('never asks to wait less than a second', () => {
    // A flood in the previous window, its last milliseconds still counting: one more fits in under 1 ms.
    expect(slidingLimit({ previous: 1_000_000, current: 0, elapsedMs: 59_999, lengthMs: MINUTE, max: 10 })).toEqual({ count: 17, retryInMs: 1000 });
  });
});

describe('SharedRateLimit', () => {
  let clock: number;
  const now = () => clock;
  const instances: SharedRateLimit[] = [];
  const instance = (counters: SharedCounters, options = {}) => {
    const limit = new SharedRateLimit(counters, { now, ...options });
    instances.push(limit);
    return limit;
  };
  const statuses = async (limit: SharedRateLimit, key: string, n: number, max: number) => {
    const answers = await Promise.all(Array.from({ length: n }, () => limit.hit(key, MINUTE, max)));
    return answers.map((a) => (a.current > max ? 429 : 200));
  };

  beforeEach(() => {
    clock = 10 * MINUTE + 1_000;
  });
  afterEach(() => instances.splice(0).forEach((l) => l.stop()));

  it('holds one limit across instances that exchange their counts', async () => {
    const db = new MemoryCounters();
    const [a, b] = [instance(db), instance(db)];
    const seen: number[] = [];
    for (let i = 0; i < 8; i++) {
      const limit = i % 2 ? b : a;
      seen.push(...(await statuses(limit, 'public:1.2.3.4', 1, 6)));
      await limit.flush();
      clock += 700; // later than STALE_MS: the next request reads the global count first
    }
    expect(seen).toEqual([200, 200, 200, 200, 200, 200, 429, 429]);
    expect(db.total('public:1.2.3.4', 10 * MINUTE)).toBe(8);
  });

  it('decides a burst on an instance new to the address after reading what the others counted, in arrival order', async () => {
    const db = new MemoryCounters();
    const [a, b] = [instance(db), instance(db)];
    expect(await statuses(a, 'public:k', 4, 6)).toEqual([200, 200, 200, 200]);
    await a.flush();
    expect(await statuses(b, 'public:k', 5, 6)).toEqual([200, 200, 429, 429, 429]);
    // Within STALE_MS an instance answers from memory, without an exchange.
    const before = db.exchanges;
    expect(await statuses(b, 'public:k', 1, 6)).toEqual([429]);
    expect(db.exchanges).toBe(before);
  });

  it('sends the hits of one interval in one exchange, whatever their number', async () => {
    const db = new MemoryCounters();
    const a = instance(db);
    await statuses(a, 'public:x', 1, 100);
    const before = db.exchanges;
    for (let i = 0; i < 50; i++) await a.hit(`public:${i % 5}`, MINUTE, 100).catch(() => undefined);
    await a.flush();
    // Five new addresses waited for exchanges of their own (at most one each), then one flush sent all.
    expect(db.exchanges - before).toBeLessThanOrEqual(6);
    expect(db.total('public:3', 10 * MINUTE)).toBe(10);
  });

  it('counts alone while the database is away, and sends what it counted once it is back', async () => {
    const db = new MemoryCounters();
    const errors: string[] = [];
    const a = instance(db, { onError: (e: Error) => errors.push(e.message) });
    db.failing = true;
    expect(await statuses(a, 'public:k', 4, 3)).toEqual([200, 200, 200, 429]);
    expect(errors).toEqual(['connection refused']);
    db.failing = false;
    clock += 1_500; // after the back-off
    await a.flush();
    expect(db.total('public:k', 10 * MINUTE)).toBe(4);
  });

  it('carries the previous window into the next one, sliding', async () => {
    const db = new MemoryCounters();
    const [a, b] = [instance(db), instance(db)];
    clock = 11 * MINUTE - 2_000;
    expect(await statuses(a, 'public:k', 6, 6)).toEqual([200, 200, 200, 200, 200, 200]);
    await a.flush();
    clock = 11 * MINUTE + 6_000; // a tenth into the next window: 6 × 0.9 + 1 > 6
    expect(await statuses(b, 'public:k', 1, 6)).toEqual([429]);
    await b.flush();
    clock = 11 * MINUTE + 45_000; // 6 × 0.25 + 2 ≤ 6
    expect(await statuses(a, 'public:k', 1, 6)).toEqual([200]);
  });
});
