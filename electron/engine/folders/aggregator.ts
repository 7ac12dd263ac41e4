// Watch-event aggregation (Syncthing's watch aggregator; docs/ARCHITECTURE.md, style rule 8): events are collected per
// path and handed on only once a path has been quiet for `quietMs` (or has been busy for
// `maxDelayMs`), so a file written in a thousand small appends costs one look, not a thousand. When
// too many paths pile up at once (a big copy or an unpacked archive), the batch collapses into one
// "rescan the folder" request instead of holding every path in memory.
import type { Clock } from '../platform/clock.js';

export type AggregatedKind = 'file' | 'dir';

export interface AggregatorBatch {
  /** Relative paths whose files may have appeared or changed ("" never appears here). */
  files: string[];
  /** Relative directories that appeared or vanished: their whole subtree needs a look ("" = the root). */
  dirs: string[];
  /** Too many events: scan the whole folder instead. */
  rescan: boolean;
}

export interface Aggregator {
  push(kind: AggregatedKind, relative: string): void;
  stop(): void;
}

export interface AggregatorOptions {
  clock: Clock;
  onBatch: (batch: AggregatorBatch) => void;
  quietMs?: number;
  maxDelayMs?: number;
  maxPaths?: number;
}

interface Entry {
  kind: AggregatedKind;
  first: number;
  last: number;
}

export function createAggregator(options: AggregatorOptions): Aggregator {
  const quietMs = options.quietMs ?? 250;
  const maxDelayMs = options.maxDelayMs ?? 10_000;
  const maxPaths = options.maxPaths ?? 10_000;
  const entries = new Map<string, Entry>();
  let overflow = false;
  let timer: unknown;
  let stopped = false;

  const schedule = (ms: number) => {
    if (timer !== undefined || stopped) return;
    timer = options.clock.setTimeout(() => {
      timer = undefined;
      flush();
    }, ms);
  };

  const flush = () => {
    const now = options.clock.now();
    const batch: AggregatorBatch = { files: [], dirs: [], rescan: overflow };
    if (overflow) {
      entries.clear();
      overflow = false;
    }
    let next = Infinity;
    for (const [relative, entry] of entries) {
      const due = Math.min(entry.last + quietMs, entry.first + maxDelayMs);
      if (due <= now) {
        (entry.kind === 'dir' ? batch.dirs : batch.files).push(relative);
        entries.delete(relative);
      } else next = Math.min(next, due);
    }
    if (batch.rescan || batch.files.length > 0 || batch.dirs.length > 0) options.onBatch(batch);
    if (next !== Infinity) schedule(Math.max(1, next - now));
  };

  return {
    push(kind, relative) {
      if (stopped) return;
      if (overflow) return;
      const now = options.clock.now();
      const existing = entries.get(relative);
      if (existing) {
        existing.last = now;
        // A directory event for a path wins: it covers the file case too.
        if (kind === 'dir') existing.kind = 'dir';
      } else {
        if (entries.size >= maxPaths) {
          overflow = true;
          entries.clear();
          return schedule(quietMs);
        }
        entries.set(relative, { kind, first: now, last: now });
      }
      schedule(quietMs);
    },
    stop() {
      stopped = true;
      entries.clear();
      if (timer !== undefined) options.clock.clearTimeout(timer);
      timer = undefined;
    },
  };
}
