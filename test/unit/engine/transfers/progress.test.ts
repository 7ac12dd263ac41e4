import { describe, expect, it } from 'vitest';
import { ChangePublisher, RateMeter } from '../../../../electron/engine/transfers/progress.js';
import { createFakeClock } from '../../../support/fake-clock.js';

describe('change publisher', () => {
  it('sends at most 10 batches a second whatever the number of transfers, and loses no change', async () => {
    const c = createFakeClock(0);
    const batches: string[][] = [];
    const pub = new ChangePublisher((ids) => batches.push(ids), c, 100);
    const seen = new Set<string>();
    // 1000 transfers each reporting progress every millisecond for 3 seconds
    for (let ms = 0; ms < 3000; ms++) {
      for (let i = 0; i < 1000; i += 97) pub.changed(`t${(i + ms) % 1000}`);
      await c.advance(1);
    }
    await c.advance(1000);
    for (const b of batches) for (const id of b) seen.add(id);
    expect(batches.length).toBeLessThanOrEqual(31);
    expect(batches.length).toBeGreaterThanOrEqual(29);
    expect(seen.size).toBe(1000);
  });

  it('sends a lone change at once and coalesces a burst into the next slot', async () => {
    const c = createFakeClock(0);
    const batches: string[][] = [];
    const pub = new ChangePublisher((ids) => batches.push(ids), c, 100);
    pub.changed('a');
    expect(batches).toEqual([['a']]);
    pub.changed('b');
    pub.changed('c');
    pub.changed('b');
    expect(batches).toHaveLength(1);
    await c.advance(100);
    expect(batches).toEqual([['a'], ['b', 'c']]);
  });
});

describe('rate meter', () => {
  it('averages over the sliding window and decays to zero when idle', () => {
    const m = new RateMeter(5000, 20);
    for (let t = 0; t < 10_000; t += 100) m.add(100_000, t); // 1 MB/s
    expect(m.rate(10_000)).toBeGreaterThan(900_000);
    expect(m.rate(10_000)).toBeLessThan(1_100_000);
    expect(m.rate(16_000)).toBe(0);
  });
});
