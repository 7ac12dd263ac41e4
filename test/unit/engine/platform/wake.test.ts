import { afterEach, expect, it, vi } from 'vitest';
import { onWakeFromSleep } from '../../../../electron/engine/platform/wake.js';

afterEach(() => {
  vi.useRealTimers();
});

it('calls back when a tick arrives far later than asked (the process was frozen), not on ordinary ticks', () => {
  vi.useFakeTimers();
  let clock = 0;
  const wakes: number[] = [];
  const stop = onWakeFromSleep(() => wakes.push(clock), { intervalMs: 1000, now: () => clock });
  for (let i = 0; i < 5; i++) {
    clock += 1000;
    vi.advanceTimersByTime(1000);
  }
  expect(wakes).toEqual([]);
  clock += 60_000; // asleep for a minute: the next tick sees the gap
  vi.advanceTimersByTime(1000);
  expect(wakes).toEqual([65_000]);
  stop();
});
