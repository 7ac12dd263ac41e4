import { describe, expect, it } from 'vitest';
import { ChangePublisher, RateMeter, type Timer } from '../../../../electron/engine/transfers/progress.js';

function fakeTimer() {
  let t = 0;
  let seq = 0;
  const pending = new Map<number, { at: number; fn: () => void }>();
  const timer: Timer = {
    setTimeout: (fn, ms) => {
      pending.set(++seq, { at: t + ms, fn });
      return seq;
    },
    clearTimeout: (h) => void pending.delete(h as number),
  };
  const advance = (ms: number) => {
    const end = t + ms;
    for (;;) {
      const next = [...pending.entries()].sort((a, b) => a[1].at - b[1].at)[0];
      if (!next || next[1].at > end) break;
      pending.delete(next[0]);
      t = next[1].at;
      next[1].fn();
    }
    t = end;
  };
  return { timer, now: () => t, advance };
}

describe('change publisher', () => {
  it('sends at most 10 batches a second whatever the number of transfers, and loses no change', () => {
    const c = fakeTimer();
    const batches: string[][] = [];
    const pub = new ChangePublisher((ids) => batches.push(ids), c.now, c.timer, 100);
    const seen = new Set<string>();
    // 1000 transfers each reporting progress every millisecond for 3 seconds
    for (let ms = 0; ms < 3000; ms++) {
      for (let i = 0; i < 1000; i += 97) pub.changed(`t${(i + ms) % 1000}`);
      c.advance(1);
    }
    c.advance(1000);
    for (const b of batches) for (const id of b) seen.add(id);
    expect(batches.length).toBeLessThanOrEqual(31);
    expect(batches.length).toBeGreaterThanOrEqual(29);
    expect(seen.size).toBe(1000);
  });

  it('sends a lone change at once and coalesces a burst into the next slot', () => {
    const c = fakeTimer();
    const batches: string[][] = [];
    const pub = new ChangePublisher((ids) => batches.push(ids), c.now, c.timer, 100);
    pub.changed('a');
    expect(batches).toEqual([['a']]);
    pub.changed('b');
    pub.changed('c');
    pub.changed('b');
    expect(batches).toHaveLength(1);
    c.advance(100);
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
