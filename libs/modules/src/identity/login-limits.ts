import { Injectable } from '@nestjs/common';
import { TooManyRequests } from '../common/errors';
import { AppConfig } from '../config';
import { Database } from '../database/database';
import { IdentityRepository } from './identity.repository';

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
    private readonly db: Database,
    private readonly repository: IdentityRepository,
    private readonly config: AppConfig,
  ) {}

  /** Counts this attempt; 429 with Retry-After when either limit is passed. */
  async attempt(username: string, address: string): Promise<void> {
    const limits: Array<[string, number]> = [
      [`login:user:${username.trim().toLowerCase().slice(0, 64)}`, this.config.LOGIN_RATE_LIMIT],
      [`login:address:${address}`, this.config.LOGIN_RATE_LIMIT * 10],
    ];
    const counts = await this.db.transaction((tx) =>
      this.repository.countAttempts(
        tx,
        limits.map(([key]) => key),
        WINDOW_SECONDS,
      ),
    );
    if (++this.calls % 500 === 0) {
      void this.db.transaction((tx) => this.repository.purgeAttemptCounters(tx)).catch(() => undefined);
    }
    for (const [key, max] of limits) {
      const count = counts.find((r) => r.key === key);
      if (count && count.hits > max) {
        const retryAfter = Math.max(1, count.retryAfter);
        throw new TooManyRequests(`too many sign-in attempts; try again in ${retryAfter} seconds`, retryAfter);
      }
    }
  }
}
