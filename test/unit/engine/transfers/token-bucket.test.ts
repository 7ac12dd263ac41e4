import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../../../electron/engine/transfers/token-bucket.js';

/** A fake clock whose sleep just advances time, recording the waits. */
function fakeClock() {
  let t = 0;
  const sleeps: number[] = [];
  return {
    now: () => t,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      t += ms;
    },
    sleeps,
    advance: (ms: number) => (t += ms),
  };
}

describe('token bucket', () => {
  it('lets everything through when unlimited', async () => {
    const c = fakeClock();
    const b = new TokenBucket(null, c.now, c.sleep);
    await b.take(10 * 1024 * 1024);
    expect(c.sleeps).toEqual([]);
  });

  it('holds the long-run rate whatever the chunk size', async () => {
    const c = fakeClock();
    const b = new TokenBucket(100_000, c.now, c.sleep);
    const total = 1_000_000;
    for (let sent = 0; sent < total; sent += 30_000) await b.take(30_000);
    // 1 MB at 100 kB/s is ~10 s (less the initial burst of a quarter second)
    expect(c.now()).toBeGreaterThanOrEqual(9_000);
    expect(c.now()).toBeLessThanOrEqual(10_500);
  });

  it('applies a new rate at once', async () => {
    const c = fakeClock();
    const b = new TokenBucket(1_000_000, c.now, c.sleep);
    await b.take(250_000);
    b.setRate(10_000);
    const before = c.now();
    for (let i = 0; i < 10; i++) await b.take(10_000);
    expect(c.now() - before).toBeGreaterThanOrEqual(9_000);
    b.setRate(null);
    const t = c.now();
    await b.take(1e9);
    expect(c.now()).toBe(t);
  });

  it('slices are at most a quarter second of the rate (sockets never idle for long)', () => {
    expect(new TokenBucket(1024).sliceSize()).toBe(1024);
    expect(new TokenBucket(4_000_000).sliceSize()).toBe(1_000_000);
    expect(new TokenBucket(null).sliceSize()).toBe(Infinity);
  });
});
