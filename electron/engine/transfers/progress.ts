// Progress: byte rates over a sliding window, and a publisher that coalesces changes so that each
// event goes out at most 10 times a second in all, whatever the number of transfers.
import { systemClock, type Clock } from '../platform/clock.js';

/** Bytes per second over the last `windowMs`, from samples kept in fixed time buckets. */
export class RateMeter {
  private readonly buckets: number[];
  private readonly bucketMs: number;
  private head = 0; // index of the bucket for time slot `headSlot`
  private headSlot = -1;
  private started: number | undefined;

  constructor(
    private readonly windowMs = 5_000,
    count = 20,
  ) {
    this.buckets = new Array<number>(count).fill(0);
    this.bucketMs = windowMs / count;
  }

  add(bytes: number, now: number): void {
    this.advance(now);
    this.started ??= now;
    this.buckets[this.head] = (this.buckets[this.head] ?? 0) + bytes;
  }

  rate(now: number): number {
    this.advance(now);
    if (this.started === undefined) return 0;
    const sum = this.buckets.reduce((a, b) => a + b, 0);
    // While the window is still filling, divide by the time actually observed (at least one bucket).
    const span = Math.min(this.windowMs, Math.max(this.bucketMs, now - this.started));
    return Math.max(0, (sum / span) * 1000);
  }

  reset(): void {
    this.buckets.fill(0);
    this.started = undefined;
  }

  private advance(now: number): void {
    const slot = Math.floor(now / this.bucketMs);
    if (this.headSlot < 0) {
      this.headSlot = slot;
      return;
    }
    const steps = Math.min(slot - this.headSlot, this.buckets.length);
    for (let i = 0; i < steps; i++) {
      this.head = (this.head + 1) % this.buckets.length;
      this.buckets[this.head] = 0;
    }
    if (slot > this.headSlot) this.headSlot = slot;
    if (this.started !== undefined && now - this.started > this.windowMs * 2 && this.buckets.every((b) => b === 0))
      this.started = undefined;
  }
}

/**
 * Collects ids that changed and flushes them at most once per `intervalMs`: the first change after
 * a quiet period goes out at once, later ones wait for the next slot and are coalesced.
 */
export class ChangePublisher {
  private pending = new Set<string>();
  private lastFlush = -Infinity;
  private timer: unknown;

  constructor(
    private readonly flush: (ids: string[]) => void,
    private readonly clock: Clock = systemClock,
    private readonly intervalMs = 100,
  ) {}

  changed(id: string): void {
    this.pending.add(id);
    if (this.timer !== undefined) return;
    const wait = this.lastFlush + this.intervalMs - this.clock.now();
    if (wait <= 0) this.run();
    else this.timer = this.clock.setTimeout(() => this.run(), wait);
  }

  /** Sends whatever is pending now (stop, tests). */
  drain(): void {
    if (this.pending.size > 0) this.run();
  }

  stop(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.pending.clear();
  }

  private run(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.lastFlush = this.clock.now();
    const ids = [...this.pending];
    this.pending.clear();
    if (ids.length > 0) this.flush(ids);
  }
}
