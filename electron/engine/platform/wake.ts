// Notices that the computer slept: a timer that fires much later than asked means the process was
// frozen. Works the same in the desktop app, the headless mode and the command line (Electron's
// powerMonitor exists only in the first).
import type { Service } from './service.js';

export function onWakeFromSleep(
  listener: () => void,
  options: { intervalMs?: number; now?: () => number } = {},
): () => void {
  const intervalMs = options.intervalMs ?? 30_000;
  const now = options.now ?? Date.now;
  let last = now();
  const timer = setInterval(() => {
    const at = now();
    // Timers run late under load by a little, after sleep by at least the time asleep.
    if (at - last > intervalMs * 3) listener();
    last = at;
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** onWakeFromSleep as an engine service: watching from start until the engine stops. */
export function wakeWatch(listener: () => void, options: { intervalMs?: number; now?: () => number } = {}): Service {
  let off: (() => void) | undefined;
  const end = (): void => {
    off?.();
    off = undefined;
  };
  return {
    start(signal) {
      off = onWakeFromSleep(listener, options);
      signal.addEventListener('abort', end, { once: true });
    },
    stop: async () => end(),
  };
}
