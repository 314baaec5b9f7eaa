import type { EntityManager } from 'typeorm';
import { rows } from '@pelekan/modules';
import type { CounterRef, CounterRow } from './public-limit';

/**
 * The public rate limit's share of `rate_limit_counters` (the table sign-in limits count in too;
 * public keys start with `public:`). One row per key and window; every API instance adds to it.
 */
export class PublicLimitRepository {
  /**
   * Adds `adds` (sorted by key, so two instances adding the same keys lock them in the same order)
   * and answers the counts of `reads` after the addition, in one statement.
   */
  async exchange(tx: EntityManager, adds: CounterRow[], reads: CounterRef[]): Promise<CounterRow[]> {
    const found = await rows<{ key: string; windowMs: string; hits: number }>(
      tx,
      `WITH added AS (
         INSERT INTO rate_limit_counters AS c (key, window_start, hits)
         SELECT a.key, to_timestamp(a.window_ms / 1000.0), a.hits
           FROM unnest($1::text[], $2::bigint[], $3::int[]) AS a(key, window_ms, hits)
          ORDER BY a.key, a.window_ms
         ON CONFLICT (key, window_start) DO UPDATE SET hits = c.hits + EXCLUDED.hits
         RETURNING c.key, c.window_start, c.hits
       )
       SELECT key, (extract(epoch FROM window_start) * 1000)::bigint::text AS "windowMs", hits FROM added
       UNION ALL
       SELECT c.key, (extract(epoch FROM c.window_start) * 1000)::bigint::text, c.hits
         FROM rate_limit_counters c
         JOIN unnest($4::text[], $5::bigint[]) AS r(key, window_ms)
           ON c.key = r.key AND c.window_start = to_timestamp(r.window_ms / 1000.0)
        WHERE NOT EXISTS (SELECT 1 FROM added a WHERE a.key = c.key AND a.window_start = c.window_start)`,
      [
        adds.map((a) => a.key),
        adds.map((a) => a.windowMs),
        adds.map((a) => a.hits),
        reads.map((r) => r.key),
        reads.map((r) => r.windowMs),
      ],
    );
    return found.map((f) => ({ key: f.key, windowMs: Number(f.windowMs), hits: f.hits }));
  }

  async purge(tx: EntityManager): Promise<void> {
    await tx.query(`DELETE FROM rate_limit_counters WHERE key LIKE 'public:%' AND window_start < now() - interval '10 minutes'`);
  }
}
