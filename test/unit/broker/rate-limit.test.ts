import { afterEach, describe, expect, it } from 'vitest';
import { addressKey } from '../../../server/broker/address-key.js';
import { SignInLimiter } from '../../../server/broker/rate-limit.js';
import { SqliteUserStore } from '../../../server/broker/sqlite-store.js';

describe('SignInLimiter', () => {
  const store = new SqliteUserStore(':memory:');
  afterEach(async () => store.prune(new Date(8.64e15)));
  const t0 = new Date('2026-01-01T00:00:00Z');
  const at = (s: number): Date => new Date(t0.getTime() + s * 1000);

  it('delays a username more after each failure past the free ones, and forgives on success', async () => {
    const limiter = new SignInLimiter(store, {
      maxFailuresPerUsername: 3,
      maxFailuresPerAddress: 100,
      windowSeconds: 60,
      maxDelaySeconds: 4,
    });
    const keys = SignInLimiter.keys('Alice', '10.0.0.1');
    for (const s of [0, 0, 0]) expect((await limiter.reserve(keys, at(s))).retryAfter).toBe(0);
    expect((await limiter.reserve(keys, at(0))).retryAfter).toBe(1);
    expect((await limiter.reserve(SignInLimiter.keys('alice', '10.0.0.2'), at(0))).retryAfter).toBe(1); // case-insensitive
    expect((await limiter.reserve(keys, at(1))).retryAfter).toBe(0);
    expect((await limiter.reserve(keys, at(1))).retryAfter).toBe(2);
    expect((await limiter.reserve(keys, at(3))).retryAfter).toBe(0);
    expect((await limiter.reserve(keys, at(3))).retryAfter).toBe(4);
    expect((await limiter.reserve(keys, at(7))).retryAfter).toBe(0);
    expect((await limiter.reserve(keys, at(7))).retryAfter).toBe(4); // capped
    const granted = await limiter.reserve(keys, at(11));
    await limiter.succeeded(keys, granted);
    expect((await limiter.reserve(keys, at(11))).retryAfter).toBe(0);
  });

  it('limits an address across usernames within the window', async () => {
    const limiter = new SignInLimiter(store, {
      maxFailuresPerUsername: 100,
      maxFailuresPerAddress: 2,
      windowSeconds: 60,
      maxDelaySeconds: 300,
    });
    await limiter.reserve(SignInLimiter.keys('a', '10.0.0.9'), at(0));
    await limiter.reserve(SignInLimiter.keys('b', '10.0.0.9'), at(1));
    expect((await limiter.reserve(SignInLimiter.keys('c', '10.0.0.9'), at(2))).retryAfter).toBe(58);
    expect((await limiter.reserve(SignInLimiter.keys('c', '10.0.0.8'), at(2))).retryAfter).toBe(0);
    expect((await limiter.reserve(SignInLimiter.keys('c', '10.0.0.9'), at(61))).retryAfter).toBe(0);
  });
});

describe('addressKey', () => {
  it('keeps IPv4, unwraps IPv4-mapped IPv6, and cuts IPv6 to its /64', () => {
    expect(addressKey('192.0.2.7')).toBe('192.0.2.7');
    expect(addressKey('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(addressKey('2001:db8:0:12::1')).toBe('2001:db8:0:12::/64');
    expect(addressKey('2001:0db8:0000:0012:ffff:ffff:ffff:ffff')).toBe('2001:db8:0:12::/64');
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('unknown')).toBe('unknown');
  });
});
