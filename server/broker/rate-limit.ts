// Sign-in throttling per username and per client address. Every attempt is reserved in the store before
// the password is checked, atomically with the check (so guesses sent all at once cannot all pass it),
// and forgiven if it succeeds. Attempts live in the store, so every broker instance sharing it sees them.
//
// - Per client address (IPv6: per /64, address-key.ts): at most maxFailuresPerAddress in the window, then 429.
// - Per username: a growing delay, never a lock-out: after maxFailuresPerUsername failures each further
//   attempt waits 1 s, 2 s, 4 s … (at most maxDelaySeconds) after the previous one, so guessing from many
//   addresses stays slow while the owner can still sign in. Its failures are remembered for a day, or until
//   it signs in.
import { addressKey } from './address-key.js';
import type { UserStore } from './store.js';

export interface RateLimitOptions {
  /** Failed sign-ins for one username before each further attempt is delayed (default 5). */
  maxFailuresPerUsername: number;
  /** Failed sign-ins allowed per client address within the window (default 20: offices share one address). */
  maxFailuresPerAddress: number;
  windowSeconds: number;
  /** The longest delay a username's failures impose (default 300). */
  maxDelaySeconds: number;
}

export const DEFAULT_RATE_LIMIT: RateLimitOptions = {
  maxFailuresPerUsername: 5,
  maxFailuresPerAddress: 20,
  windowSeconds: 60,
  maxDelaySeconds: 300,
};

const USER_MEMORY_MS = 24 * 3600 * 1000;

export interface SignInKeys {
  user: string;
  address: string;
}

export interface Reservation {
  /** Seconds to wait before trying again; 0 when the attempt was reserved and may go ahead. */
  retryAfter: number;
  /** What to forgive when the attempt succeeds. */
  ids: number[];
}

export class SignInLimiter {
  constructor(
    private readonly store: UserStore,
    private readonly options: RateLimitOptions,
  ) {}

  static keys(username: string, address: string): SignInKeys {
    return { user: `user:${username.toLowerCase()}`, address: `addr:${addressKey(address)}` };
  }

  /** Reserves one attempt under both keys, or says how long to wait; an unforgiven reservation is a failure. */
  async reserve(keys: SignInKeys, now: Date): Promise<Reservation> {
    const windowMs = this.options.windowSeconds * 1000;
    const t = now.getTime();
    return this.store.reserveSignInAttempt(
      [
        { key: keys.user, since: new Date(t - USER_MEMORY_MS) },
        { key: keys.address, since: new Date(t - windowMs) },
      ],
      now,
      ([userAttempts = [], addressAttempts = []]) =>
        Math.max(this.userDelay(userAttempts, t), this.addressWait(addressAttempts, t, windowMs)),
    );
  }

  /** The attempt succeeded: it and the username's earlier failures no longer count. */
  async succeeded(keys: SignInKeys, reservation: Reservation): Promise<void> {
    await this.store.forgetSignInAttempts(reservation.ids);
    await this.store.clearSignInFailures(keys.user);
  }

  private userDelay(failures: Date[], now: number): number {
    const extra = failures.length - this.options.maxFailuresPerUsername;
    const last = failures.at(-1);
    if (extra < 0 || !last) return 0;
    const delayMs = Math.min(this.options.maxDelaySeconds, 2 ** Math.min(extra, 30)) * 1000;
    return secondsUntil(last.getTime() + delayMs, now);
  }

  private addressWait(failures: Date[], now: number, windowMs: number): number {
    const max = this.options.maxFailuresPerAddress;
    if (failures.length < max) return 0;
    // Allowed again once enough of the failures have left the window.
    const freeing = failures[failures.length - max];
    return freeing ? Math.max(1, secondsUntil(freeing.getTime() + windowMs, now)) : 0;
  }
}

function secondsUntil(at: number, now: number): number {
  return at > now ? Math.ceil((at - now) / 1000) : 0;
}
