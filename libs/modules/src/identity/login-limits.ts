import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { TooManyRequests } from '../common/errors';
import { AppConfig } from '../config';

const WINDOW_SECONDS = 60;

/**
 * Sign-in attempts per minute, counted in PostgreSQL so that every API instance sees the same
 * counts: per username whatever the address (a botnet cannot spread one account's guesses), and per
 * address (one client cannot try many accounts). Fixed one-minute windows.
 */
@Injectable()
export class LoginLimits {
  private calls = 0;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly config: AppConfig,
  ) {}

  /** Counts this attempt; 429 with Retry-After when either limit is passed. */
  async attempt(username: string, address: string): Promise<void> {
    const limits: Array<[string, number]> = [
      [`login:user:${username.trim().toLowerCase().slice(0, 64)}`, this.config.LOGIN_RATE_LIMIT],
      [`login:address:${address}`, this.config.LOGIN_RATE_LIMIT * 10],
    ];
    const rows: Array<{ key: string; hits: number; retryAfter: number }> = await this.db.query(
      `INSERT INTO rate_limit_counters AS c (key, window_start, hits)
       SELECT k, to_timestamp(floor(extract(epoch FROM now()) / $2) * $2), 1 FROM unnest($1::text[]) AS k
       ON CONFLICT (key, window_start) DO UPDATE SET hits = c.hits + 1
       RETURNING key, hits, ceil(extract(epoch FROM c.window_start + make_interval(secs => $2) - now()))::int AS "retryAfter"`,
      [limits.map(([k]) => k), WINDOW_SECONDS],
    );
    if (++this.calls % 500 === 0) {
      void this.db.query(`DELETE FROM rate_limit_counters WHERE window_start < now() - interval '10 minutes'`).catch(() => undefined);
    }
    for (const [key, max] of limits) {
      const row = rows.find((r) => r.key === key);
      if (row && row.hits > max) {
        throw new TooManyRequests(`too many sign-in attempts; try again in ${Math.max(1, row.retryAfter)} seconds`, Math.max(1, row.retryAfter));
      }
    }
  }
}
