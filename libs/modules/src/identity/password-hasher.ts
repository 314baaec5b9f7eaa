import { Injectable } from '@nestjs/common';
import { ServiceBusy } from '../common/errors';
import { AppConfig } from '../config';
import { DUMMY_HASH, hashPassword, verifyPassword } from './password';

/**
 * scrypt is slow and memory-hard by design, so a burst of sign-ins could take every core. At most
 * PASSWORD_HASH_CONCURRENCY hashes run at once per process; up to PASSWORD_HASH_QUEUE more wait;
 * beyond that the answer is 503 with Retry-After, and the rest of the API keeps serving.
 */
@Injectable()
export class PasswordHasher {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly config: AppConfig) {}

  hash(password: string): Promise<string> {
    return this.limited(() => hashPassword(password));
  }

  /** Compares against a dummy hash when there is no user, so the answer takes as long either way. */
  verify(password: string, stored: string | undefined): Promise<boolean> {
    return this.limited(() => verifyPassword(password, stored ?? DUMMY_HASH));
  }

  private async limited<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.config.PASSWORD_HASH_CONCURRENCY) {
      if (this.waiting.length >= this.config.PASSWORD_HASH_QUEUE) {
        throw new ServiceBusy('too many sign-ins are being checked at once; try again in a moment', 1);
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      // The slot passes straight to the next waiter; only when nobody waits is it freed.
      if (next) next();
      else this.running--;
    }
  }
}
