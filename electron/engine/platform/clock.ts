// Time, injectable: the stability window, the watch aggregator, the periodic rescans, the journal's
// timestamps and the queue's throttled publishing all run on this, so unit tests drive them with one fake
// clock (test/support/fake-clock.ts) instead of sleeping.

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const handle = setTimeout(fn, ms);
    // The engine's timers never keep a process alive on their own (the CLI's `upload` must be able to exit).
    handle.unref();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
