// A clock and timers that move only when a test says so: the queue's throttled publishing runs at
// the moments the test chooses (never after its database closed).
import type { Timer } from '../../electron/engine/transfers/progress.js';

export class ManualClock {
  private pending: Array<{ at: number; fn: () => void }> = [];

  constructor(public now = 1_000_000) {}

  readonly timer: Timer = {
    setTimeout: (fn, ms) => {
      const t = { at: this.now + ms, fn };
      this.pending.push(t);
      return t;
    },
    clearTimeout: (h) => void (this.pending = this.pending.filter((t) => t !== h)),
  };

  /** Moves the clock and runs the timers that are due. */
  advance(ms: number): void {
    this.now += ms;
    for (const t of this.pending.filter((x) => x.at <= this.now)) {
      this.pending = this.pending.filter((x) => x !== t);
      t.fn();
    }
  }
}
