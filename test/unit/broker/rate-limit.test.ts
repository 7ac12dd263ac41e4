import { afterEach, describe, expect, it } from 'vitest';
import { SignInLimiter } from '../../../server/broker/rate-limit.js';
import { SqliteUserStore } from '../../../server/broker/sqlite-store.js';

describe('SignInLimiter', () => {
  const store = new SqliteUserStore(':memory:');
  afterEach(async () => store.prune(new Date(8.64e15)));
  const t0 = new Date('2026-01-01T00:00:00Z');
  const at = (s: number): Date => new Date(t0.getTime() + s * 1000);

  it('allows up to the limit, then asks to wait until the oldest failure leaves the window', async () => {
    const limiter = new SignInLimiter(store, { maxFailuresPerUsername: 3, maxFailuresPerAddress: 100, windowSeconds: 60 });
    const keys = SignInLimiter.keys('Alice', '10.0.0.1');
    for (const s of [0, 10, 20]) {
      expect(await limiter.retryAfter(keys, at(s))).toBe(0);
      await limiter.failed(keys, at(s));
    }
    expect(await limiter.retryAfter(keys, at(30))).toBe(30);
    expect(await limiter.retryAfter(SignInLimiter.keys('alice', '10.0.0.2'), at(30))).toBeGreaterThan(0); // case-insensitive
    expect(await limiter.retryAfter(keys, at(61))).toBe(0);
    await limiter.succeeded(keys);
    expect(await limiter.retryAfter(keys, at(30))).toBe(0);
  });

  it('limits an address across usernames', async () => {
    const limiter = new SignInLimiter(store, { maxFailuresPerUsername: 100, maxFailuresPerAddress: 2, windowSeconds: 60 });
    await limiter.failed(SignInLimiter.keys('a', '10.0.0.9'), at(0));
    await limiter.failed(SignInLimiter.keys('b', '10.0.0.9'), at(1));
    expect(await limiter.retryAfter(SignInLimiter.keys('c', '10.0.0.9'), at(2))).toBe(58);
    expect(await limiter.retryAfter(SignInLimiter.keys('c', '10.0.0.8'), at(2))).toBe(0);
  });
});
