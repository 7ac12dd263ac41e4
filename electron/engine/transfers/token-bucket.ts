// A token bucket shared by every upload: the bandwidth limit, changeable while running.
import { Transform, type TransformCallback } from 'node:stream';
import { abortableSleep } from '../platform/sleep.js';

export class TokenBucket {
  private tokens = 0;
  private last: number;
  private rate: number | null;

  constructor(
    rate: number | null,
    private readonly now: () => number = () => performance.now(),
    private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void> = abortableSleep,
  ) {
    this.rate = rate;
    this.last = now();
    this.tokens = this.capacity();
  }

  /** Bytes per second, or null for unlimited. */
  setRate(rate: number | null): void {
    if (rate === this.rate) return;
    this.refill();
    this.rate = rate;
    this.tokens = Math.min(this.tokens, this.capacity());
  }

  getRate(): number | null {
    return this.rate;
  }

  /**
   * Waits until `bytes` may be sent. The balance may go negative (a chunk bigger than the burst is
   * allowed through, later callers wait it off), so the long-run rate is exact whatever the chunk sizes.
   */
  async take(bytes: number, signal?: AbortSignal): Promise<void> {
    for (;;) {
      if (this.rate === null) return;
      this.refill();
      if (this.tokens >= 0) {
        this.tokens -= bytes;
        return;
      }
      await this.sleep(Math.max(1, Math.ceil((-this.tokens / this.rate) * 1000)), signal);
    }
  }

  /** Largest piece worth asking for at once: a quarter second at the current rate. */
  sliceSize(): number {
    return this.rate === null ? Infinity : Math.max(1024, Math.floor(this.rate / 4));
  }

  private capacity(): number {
    return this.rate === null ? 0 : Math.max(1024, this.rate / 4);
  }

  private refill(): void {
    const t = this.now();
    if (this.rate !== null) this.tokens = Math.min(this.capacity(), this.tokens + ((t - this.last) / 1000) * this.rate);
    this.last = t;
  }
}

/** A Transform that lets bytes through only as the bucket allows (small slices keep sockets busy). */
export function throttle(bucket: TokenBucket, signal?: AbortSignal, beforeChunk?: () => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      beforeChunk?.();
      if (bucket.getRate() === null) return done(null, chunk);
      void (async () => {
        for (let at = 0; at < chunk.length;) {
          const slice = chunk.subarray(at, at + Math.min(chunk.length - at, bucket.sliceSize()));
          await bucket.take(slice.length, signal);
          this.push(slice);
          at += slice.length;
        }
      })().then(() => done(), done);
    },
  });
}
