/**
 * The public portal's rate limit, shared by every API instance without a database round trip per
 * request.
 *
 * Each instance counts hits in memory. Every FLUSH_MS it adds what it counted to PostgreSQL's
 * `rate_limit_counters` (one statement for every address at once) and reads back the global counts
 * of those addresses. A request is judged on the global count as last read plus this instance's hits
 * since. When that reading is older than STALE_MS (an address this instance has not served lately,
 * or a new window) the request first waits, at most WAIT_MS, for the next exchange, which requests
 * arriving meanwhile share. So across N instances the limit holds to within what the other instances
 * admitted in the last STALE_MS + FLUSH_MS.
 *
 * Windows are one minute, aligned to the epoch. The count is a sliding-window estimate: this
 * window's hits plus the previous window's, weighted by how much of the previous window still lies
 * within the last minute. A client cannot double its rate across a window boundary.
 *
 * If PostgreSQL does not answer, each instance keeps counting on its own (the limit is then per
 * instance) and tries again after BACKOFF_MS.
 */
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';

/** Hits of one key in one window (its start, in epoch milliseconds). */
export interface CounterRow {
  key: string;
  windowMs: number;
  hits: number;
}

export type CounterRef = Omit<CounterRow, 'hits'>;

/** Where the instances' counts meet (PostgreSQL in production, a map in unit tests). */
export interface SharedCounters {
  /** Adds `adds` to the shared counts and answers the counts of `reads` (rows that exist). */
  exchange(adds: CounterRow[], reads: CounterRef[]): Promise<CounterRow[]>;
  /** Deletes counts too old to matter. */
  purge(): Promise<void>;
}

export interface SharedRateLimitOptions {
  flushMs?: number;
  staleMs?: number;
  waitMs?: number;
  backoffMs?: number;
  /** Keys remembered at most (the oldest are forgotten first). */
  maxKeys?: number;
  now?: () => number;
  onError?: (error: Error) => void;
}

/** Sliding-window count of one key: `current` includes the hit being judged. */
export interface SlidingWindow {
  previous: number;
  current: number;
  elapsedMs: number;
  lengthMs: number;
  max: number;
}

/**
 * The hits of the last `lengthMs` (the previous window's weighted by its overlap), and how long until
 * one more hit would fit under `max` if none came meanwhile (or, under the limit, until the window
 * ends).
 */
export function slidingLimit(w: SlidingWindow): { count: number; retryInMs: number } {
  const { previous, current, elapsedMs, lengthMs, max } = w;
  const count = Math.ceil((previous * (lengthMs - elapsedMs)) / lengthMs + current);
  if (count <= max) return { count, retryInMs: lengthMs - elapsedMs };
  if (current + 1 <= max && previous > 0) {
    // This window: the previous window's weight decays until one more hit fits.
    const fitsAt = lengthMs * (1 - (max - current - 1) / previous);
    return { count, retryInMs: Math.max(1000, Math.ceil(fitsAt - elapsedMs)) };
  }
  // The next window, where this window's hits are the previous ones and decay in turn.
  const fitsAt = current > 0 ? lengthMs * Math.max(0, 1 - (max - 1) / current) : 0;
  return { count, retryInMs: Math.max(1000, Math.ceil(lengthMs - elapsedMs + fitsAt)) };
}

interface Entry {
  lengthMs: number;
  /** Start of the window counted now. */
  windowMs: number;
  /** Its global count as last read (our hits sent before that reading included). */
  global: number;
  /** Our hits sent in the exchange under way, not yet in `global`. */
  inflight: number;
  /** Our hits not sent yet. */
  pending: number;
  /** The previous window's global count. */
  previous: number;
  /** When `global` was read; 0: never in this window. */
  readAt: number;
  lastHitAt: number;
}

interface Sent {
  key: string;
  entry: Entry;
  windowMs: number;
  hits: number;
}

interface Batch {
  keys: Set<string>;
  done: Promise<void>;
  resolve: () => void;
}

const PURGE_EVERY = 240;

export class SharedRateLimit {
  private readonly entries = new Map<string, Entry>();
  /** Hits of windows that ended before they were sent. */
  private late: CounterRow[] = [];
  private dirty = false;
  private next?: Batch;
  private exchanging = false;
  private backoffUntil = 0;
  private exchanges = 0;
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private readonly flushMs: number;
  private readonly staleMs: number;
  private readonly waitMs: number;
  private readonly backoffMs: number;
  private readonly maxKeys: number;
  private readonly now: () => number;

  constructor(
    private readonly shared: SharedCounters,
    private readonly options: SharedRateLimitOptions = {},
  ) {
    this.flushMs = options.flushMs ?? 250;
    this.staleMs = options.staleMs ?? 500;
    this.waitMs = options.waitMs ?? 1000;
    this.backoffMs = options.backoffMs ?? 1000;
    this.maxKeys = options.maxKeys ?? 100_000;
    this.now = options.now ?? Date.now;
  }

  /** Starts the periodic exchange (the timer does not keep the process alive). */
  start(): void {
    this.timer ??= setInterval(() => this.tick(), this.flushMs);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  /** Counts one hit of `key` and answers the count to compare with `max`, and the wait in ms. */
  async hit(key: string, lengthMs: number, max: number): Promise<{ current: number; ttl: number }> {
    let entry = this.entryOf(key, lengthMs, this.now());
    if (this.now() - entry.readAt > this.staleMs && this.now() >= this.backoffUntil && !this.stopped) {
      await this.refresh(key);
      entry = this.entryOf(key, lengthMs, this.now());
    }
    const now = this.now();
    entry.pending += 1;
    entry.lastHitAt = now;
    this.dirty = true;
    const { count, retryInMs } = slidingLimit({
      previous: entry.previous,
      current: entry.global + entry.inflight + entry.pending,
      elapsedMs: now - entry.windowMs,
      lengthMs,
      max,
    });
    return { current: count, ttl: retryInMs };
  }

  /** Sends what was counted and reads back the counts of those keys (the timer calls it). */
  flush(): Promise<void> {
    return this.schedule();
  }

  private tick(): void {
    if (this.stopped) return;
    this.forgetOld(this.now());
    if (this.dirty && this.now() >= this.backoffUntil) void this.schedule();
  }

  private entryOf(key: string, lengthMs: number, now: number): Entry {
    let entry = this.entries.get(key);
    if (!entry || entry.lengthMs !== lengthMs) {
      if (entry) this.retire(key, entry);
      entry = { lengthMs, windowMs: windowStart(now, lengthMs), global: 0, inflight: 0, pending: 0, previous: 0, readAt: 0, lastHitAt: now };
      this.entries.set(key, entry);
      if (this.entries.size > this.maxKeys) this.forgetOldest();
    }
    this.roll(key, entry, now);
    return entry;
  }

  /** Moves an entry whose window ended to the current one; the ended window becomes the previous. */
  private roll(key: string, entry: Entry, now: number): void {
    const start = windowStart(now, entry.lengthMs);
    if (start === entry.windowMs) return;
    if (entry.pending > 0) this.late.push({ key, windowMs: entry.windowMs, hits: entry.pending });
    entry.previous = start - entry.windowMs === entry.lengthMs ? entry.global + entry.inflight + entry.pending : 0;
    Object.assign(entry, { windowMs: start, global: 0, inflight: 0, pending: 0, readAt: 0 });
  }

  private retire(key: string, entry: Entry): void {
    if (entry.pending > 0) this.late.push({ key, windowMs: entry.windowMs, hits: entry.pending });
    this.entries.delete(key);
  }

  private forgetOld(now: number): void {
    for (const [key, entry] of this.entries) {
      if (now - entry.lastHitAt > 2 * entry.lengthMs && entry.pending === 0 && entry.inflight === 0) this.entries.delete(key);
      else this.roll(key, entry, now);
    }
    if (this.late.length > this.maxKeys) this.late = this.late.slice(-this.maxKeys);
  }

  private forgetOldest(): void {
    for (const [key, entry] of this.entries) {
      if (this.entries.size <= this.maxKeys) return;
      this.retire(key, entry);
    }
  }

  /** Waits for the next exchange that reads `key`, or WAIT_MS, whichever comes first. */
  private refresh(key: string): Promise<void> {
    const exchanged = this.schedule(key);
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, this.waitMs);
      void exchanged.then(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** The next exchange (requests arriving before it starts share it); one runs at a time. */
  private schedule(key?: string): Promise<void> {
    if (!this.next) {
      let resolve!: () => void;
      const done = new Promise<void>((r) => (resolve = r));
      this.next = { keys: new Set(), done, resolve };
      if (!this.exchanging) {
        this.exchanging = true;
        setImmediate(() => void this.drain());
      }
    }
    if (key !== undefined) this.next.keys.add(key);
    return this.next.done;
  }

  private async drain(): Promise<void> {
    while (this.next) {
      const batch = this.next;
      this.next = undefined;
      await this.exchange(batch.keys);
      batch.resolve();
    }
    this.exchanging = false;
  }

  private async exchange(wanted: Set<string>): Promise<void> {
    if (this.stopped) return;
    const now = this.now();
    for (const [key, entry] of this.entries) this.roll(key, entry, now);
    const sent: Sent[] = [];
    const reads: Array<CounterRef & { entry: Entry }> = [];
    const adds = new Map<string, CounterRow>();
    const add = (row: CounterRow) => {
      const id = `${row.windowMs} ${row.key}`;
      const prior = adds.get(id);
      if (prior) prior.hits += row.hits;
      else adds.set(id, { ...row });
    };
    const late = this.late;
    this.late = [];
    late.forEach(add);
    for (const [key, entry] of this.entries) {
      const sending = entry.pending;
      if (sending > 0) {
        add({ key, windowMs: entry.windowMs, hits: sending });
        sent.push({ key, entry, windowMs: entry.windowMs, hits: sending });
        entry.inflight += sending;
        entry.pending = 0;
      }
      if (sending > 0 || wanted.has(key)) {
        reads.push({ key, windowMs: entry.windowMs, entry }, { key, windowMs: entry.windowMs - entry.lengthMs, entry });
      }
    }
    this.dirty = false;
    if (adds.size === 0 && reads.length === 0) return;
    const ordered = [...adds.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.windowMs - b.windowMs));
    try {
      const counts = await this.shared.exchange(
        ordered,
        reads.map(({ key, windowMs }) => ({ key, windowMs })),
      );
      const found = new Map(counts.map((c) => [`${c.windowMs} ${c.key}`, c.hits]));
      for (const s of sent) if (this.entries.get(s.key) === s.entry && s.entry.windowMs === s.windowMs) s.entry.inflight -= s.hits;
      for (const r of reads) {
        const entry = r.entry;
        if (this.entries.get(r.key) !== entry) continue;
        const hits = found.get(`${r.windowMs} ${r.key}`) ?? 0;
        if (r.windowMs === entry.windowMs) {
          entry.global = hits;
          entry.readAt = now;
        } else if (r.windowMs === entry.windowMs - entry.lengthMs) {
          entry.previous = hits;
        }
      }
      if (++this.exchanges % PURGE_EVERY === 0) void this.shared.purge().catch(() => undefined);
    } catch (error) {
      // Nothing was added: put the hits back to be sent again, and count alone for a while.
      for (const s of sent) {
        if (this.entries.get(s.key) === s.entry && s.entry.windowMs === s.windowMs) {
          s.entry.inflight -= s.hits;
          s.entry.pending += s.hits;
        } else {
          this.late.push({ key: s.key, windowMs: s.windowMs, hits: s.hits });
        }
      }
      this.late.push(...late);
      this.dirty = true;
      this.backoffUntil = this.now() + this.backoffMs;
      if (!this.stopped) this.options.onError?.(error instanceof Error ? error : new Error(String(error)));
    }
  }
}

function windowStart(now: number, lengthMs: number): number {
  return Math.floor(now / lengthMs) * lengthMs;
}

/** A @fastify/rate-limit store counting through `limit` (every route's limiter shares it). */
export function sharedStore(limit: SharedRateLimit): FastifyRateLimitStoreCtor {
  return class SharedStore implements FastifyRateLimitStore {
    incr(
      key: string,
      callback: (error: Error | null, result?: { current: number; ttl: number }) => void,
      timeWindow = 60_000,
      max = 1,
    ): void {
      limit.hit(key, timeWindow, max).then(
        (result) => callback(null, result),
        (error: Error) => callback(error),
      );
    }

    child(): FastifyRateLimitStore {
      return this;
    }
  };
}
