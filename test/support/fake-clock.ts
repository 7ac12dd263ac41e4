// The one fake clock (docs/ARCHITECTURE.md, style rule 7): the engine's Clock with timers that fire only
// when a test moves time. advance() runs the due callbacks in time order and lets the async work each
// one starts settle before the next, so folder timers (restats) and the queue's throttled publishing run
// at the moments the test chooses, never after its database closed.
import type { Clock } from '../../electron/engine/platform/clock.js';

export interface FakeClock extends Clock {
  advance(ms: number): Promise<void>;
}

export function createFakeClock(start = 1_000_000): FakeClock {
  let now = start;
  let seq = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  const settle = async (): Promise<void> => {
    for (let i = 0; i < 10; i++) await Promise.resolve();
  };
  return {
    now: () => now,
    setTimeout(fn, ms) {
      const id = ++seq;
      timers.set(id, { at: now + ms, fn });
      return id;
    },
    clearTimeout(handle) {
      timers.delete(handle as number);
    },
    async advance(ms) {
      const end = now + ms;
      for (;;) {
        const next = [...timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
        if (!next) break;
        timers.delete(next[0]);
        now = next[1].at;
        next[1].fn();
        await settle();
      }
      now = end;
      await settle();
    },
  };
}
