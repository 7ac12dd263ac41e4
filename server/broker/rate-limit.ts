// Sign-in throttling per username and per client address. Failures live in the store, so every broker
// instance sharing it sees the same counts.
import type { UserStore } from './store.js';

export interface RateLimitOptions {
  /** Failed sign-ins allowed per username within the window (default 5). */
  maxFailuresPerUsername: number;
  /** Failed sign-ins allowed per client address within the window (default 20: offices share one address). */
  maxFailuresPerAddress: number;
  windowSeconds: number;
}

export const DEFAULT_RATE_LIMIT: RateLimitOptions = { maxFailuresPerUsername: 5, maxFailuresPerAddress: 20, windowSeconds: 60 };

export class SignInLimiter {
  constructor(
    private readonly store: UserStore,
    private readonly options: RateLimitOptions,
  ) {}

  static keys(username: string, address: string): { user: string; address: string } {
    return { user: `user:${username.toLowerCase()}`, address: `addr:${address}` };
  }

  /** Seconds to wait before trying again, or 0 when the attempt may go ahead. */
  async retryAfter(keys: { user: string; address: string }, now: Date): Promise<number> {
    const windowMs = this.options.windowSeconds * 1000;
    const since = new Date(now.getTime() - windowMs);
    let wait = 0;
    for (const [key, max] of [
      [keys.user, this.options.maxFailuresPerUsername],
      [keys.address, this.options.maxFailuresPerAddress],
    ] as const) {
      const failures = await this.store.signInFailuresSince(key, since);
      if (failures.length < max) continue;
      // Allowed again once enough of the failures have left the window.
      const freeing = failures[failures.length - max];
      if (freeing) wait = Math.max(wait, 1, Math.ceil((freeing.getTime() + windowMs - now.getTime()) / 1000));
    }
    return wait;
  }

  async failed(keys: { user: string; address: string }, now: Date): Promise<void> {
    await this.store.recordSignInFailure([keys.user, keys.address], now);
  }

  async succeeded(keys: { user: string; address: string }): Promise<void> {
    await this.store.clearSignInFailures(keys.user);
  }
}
