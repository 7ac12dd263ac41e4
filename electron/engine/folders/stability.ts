// The stability window (docs/ARCHITECTURE.md, Data safety: one consistent file version): a file is handed
// on only once its size and mtime have stayed the same for `windowMs`. Files being written, copied or
// downloaded keep changing and wait.
//
// One sweep timer serves every pending file (not a timer per file: an initial scan may hold many).
// A file first met by a scan whose mtime and ctime are both older than the window is stable at once:
// ctime moves on every write and cannot be set back by programs, so nothing wrote it during the
// window. Watcher events never take that shortcut. The queue checks the version again around every
// part, so a writer that pauses for longer than the window still never produces a torn object.
import type { Clock } from '../platform/clock.js';

export interface Observation {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
}

export interface StabilityTracker<T> {
  /** Watch `key` until it is stable; `fresh` says whether it came from a watcher event (no shortcut). */
  observe(key: string, item: T, observation: Observation, fresh: boolean): void;
  forget(key: string): void;
  /** Drops everything pending for keys starting with `prefix` (a paused or removed folder). */
  forgetPrefix(prefix: string): void;
  pending(): number;
  stop(): void;
}

export interface StabilityOptions<T> {
  windowMs: () => number;
  clock: Clock;
  /** Current size/mtime of the item, or undefined when it is gone (or no longer a file). */
  restat: (item: T) => Promise<Observation | undefined>;
  onStable: (key: string, item: T, observation: Observation) => void;
  /** How often pending files are looked at again; defaults to a quarter of the window (≥ 100 ms). */
  sweepMs?: () => number;
}

interface Pending<T> {
  item: T;
  observation: Observation;
  since: number;
  checking: boolean;
}

export function sameObservation(a: Observation, b: Observation): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs;
}

export function createStabilityTracker<T>(options: StabilityOptions<T>): StabilityTracker<T> {
  const pending = new Map<string, Pending<T>>();
  let timer: unknown;
  let stopped = false;

  const schedule = () => {
    if (timer !== undefined || stopped || pending.size === 0) return;
    const every = options.sweepMs?.() ?? Math.max(100, Math.floor(options.windowMs() / 4));
    timer = options.clock.setTimeout(() => {
      timer = undefined;
      void sweep();
    }, every);
  };

  const sweep = async () => {
    const now = options.clock.now();
    const windowMs = options.windowMs();
    const due = [...pending].filter(([, p]) => !p.checking && now - p.since >= windowMs);
    await Promise.all(
      due.map(async ([key, p]) => {
        p.checking = true;
        let current: Observation | undefined;
        try {
          current = await options.restat(p.item);
        } catch {
          current = undefined;
        }
        // Forgotten or replaced while we looked: the newer entry decides.
        if (pending.get(key) !== p) return;
        p.checking = false;
        if (!current) return void pending.delete(key);
        if (sameObservation(current, p.observation)) {
          pending.delete(key);
          options.onStable(key, p.item, current);
        } else {
          p.observation = current;
          p.since = options.clock.now();
        }
      }),
    );
    schedule();
  };

  return {
    observe(key, item, observation, fresh) {
      if (stopped) return;
      const now = options.clock.now();
      const windowMs = options.windowMs();
      const existing = pending.get(key);
      if (existing) {
        // Any new sign of life restarts the window.
        if (!sameObservation(existing.observation, observation) || fresh) {
          pending.set(key, { item, observation, since: now, checking: false });
        }
        return schedule();
      }
      const quiet = now - Math.max(observation.mtimeMs, observation.ctimeMs) >= windowMs;
      if (!fresh && quiet) return options.onStable(key, item, observation);
      pending.set(key, { item, observation, since: now, checking: false });
      schedule();
    },
    forget: (key) => void pending.delete(key),
    forgetPrefix(prefix) {
      for (const key of pending.keys()) if (key.startsWith(prefix)) pending.delete(key);
    },
    pending: () => pending.size,
    stop() {
      stopped = true;
      pending.clear();
      if (timer !== undefined) options.clock.clearTimeout(timer);
      timer = undefined;
    },
  };
}
