/** Closed-loop load: `concurrency` callers each issue the next request as soon as the last answers. */
export interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  perSecond: number;
  p50ms: number;
  p99ms: number;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export async function closedLoop(
  call: (i: number) => Promise<boolean>,
  options: { concurrency: number; seconds: number; warmupSeconds?: number },
): Promise<LoadResult> {
  const run = async (seconds: number, record: boolean) => {
    const latencies: number[] = [];
    let errors = 0;
    let counter = 0;
    const until = performance.now() + seconds * 1000;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        while (performance.now() < until) {
          const t0 = performance.now();
          const ok = await call(counter++).catch(() => false);
          if (record) latencies.push(performance.now() - t0);
          if (!ok) errors++;
        }
      }),
    );
    return { latencies, errors, elapsed: (performance.now() - started) / 1000 };
  };
  if (options.warmupSeconds) await run(options.warmupSeconds, false);
  const { latencies, errors, elapsed } = await run(options.seconds, true);
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    errors,
    seconds: elapsed,
    perSecond: latencies.length / elapsed,
    p50ms: percentile(latencies, 50),
    p99ms: percentile(latencies, 99),
  };
}

export async function timed<T>(work: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const t0 = performance.now();
  const value = await work();
  return { value, seconds: (performance.now() - t0) / 1000 };
}
