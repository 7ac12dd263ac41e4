// Part-sized buffers lent to uploads, and the read that fills one with a byte range of a file. A part
// read into a reused buffer costs no allocation and no GC; the pool's limit bounds that memory whatever
// the settings, and past it the caller streams instead.
import { FileChangedError } from './file-version.js';
import type { SourceFile } from './source-file.js';

const MiB = 1024 * 1024;

/** A buffer lent by the pool; give it back with release(). */
export interface PartBuffer {
  readonly buffer: Buffer;
  /**
   * reusable: the HTTP layer is done with the bytes (the request succeeded, so every byte was sent and
   * acknowledged). After a failure a socket may still be writing them: the buffer is dropped, not reused.
   */
  release(reusable: boolean): void;
}

/**
 * Part-sized buffers, reused from part to part. At most `limitBytes` are lent or kept at once (the
 * parts in flight are bounded by the request budget; this bounds their memory whatever the settings):
 * past it take() says no and the caller streams. Buffers kept idle are dropped after `idleMs`.
 */
export class PartBufferPool {
  private readonly free = new Map<number, Buffer[]>();
  private held = 0; // bytes lent + bytes kept idle
  private lent = 0;
  private trimTimer: NodeJS.Timeout | undefined;

  /**
   * By default 8 parts of the default 8 MiB (the default budget is 4 requests): parts beyond it, or
   * bigger than it, are streamed. One pool is shared by every upload of an engine.
   */
  constructor(
    readonly limitBytes = 64 * MiB,
    private readonly idleMs = 30_000,
  ) {}

  /** A buffer of at least `size` bytes (the smallest idle one that fits), or undefined when that would pass the limit. */
  take(size: number): PartBuffer | undefined {
    let capacity = Math.max(1, Math.ceil(size / MiB)) * MiB;
    let fit: number | undefined;
    for (const [c, list] of this.free) if (c >= capacity && list.length > 0 && (fit === undefined || c < fit)) fit = c;
    if (fit !== undefined) capacity = fit; // e.g. a file's last, shorter part in a full-size buffer
    let buffer = this.free.get(capacity)?.pop();
    if (!buffer) {
      if (this.held + capacity > this.limitBytes) this.dropIdle(this.held + capacity - this.limitBytes);
      if (this.held + capacity > this.limitBytes) return undefined;
      // Never zero-filled: only the bytes read into it are ever sent (callers check the count).
      buffer = Buffer.allocUnsafeSlow(capacity);
      this.held += capacity;
    }
    this.lent += capacity;
    clearTimeout(this.trimTimer);
    this.trimTimer = undefined;
    let released = false;
    const lease = buffer;
    return {
      buffer: lease,
      release: (reusable) => {
        if (released) return;
        released = true;
        this.lent -= capacity;
        if (reusable) {
          const list = this.free.get(capacity) ?? [];
          list.push(lease);
          this.free.set(capacity, list);
        } else {
          this.held -= capacity;
        }
        if (this.lent === 0 && this.held > 0) {
          this.trimTimer = setTimeout(() => this.dropIdle(Infinity), this.idleMs);
          this.trimTimer.unref();
        }
      },
    };
  }

  /** Drops the idle buffers and their timer (buffers still lent are dropped when given back). */
  stop(): void {
    clearTimeout(this.trimTimer);
    this.trimTimer = undefined;
    this.dropIdle(Infinity);
  }

  /** Bytes lent or kept (tests). */
  get heldBytes(): number {
    return this.held;
  }

  private dropIdle(bytes: number): void {
    let dropped = 0;
    for (const [capacity, list] of this.free) {
      while (list.length > 0 && dropped < bytes) {
        list.pop();
        this.held -= capacity;
        dropped += capacity;
      }
      if (list.length === 0) this.free.delete(capacity);
    }
  }
}

/**
 * Reads exactly `size` bytes at `offset` of the open file into `into` (one read call for a cached file).
 * Fewer bytes (the file shrank) is a FileChangedError; the caller checks the version around the read.
 */
export async function readRange(file: SourceFile, offset: number, size: number, into: Buffer): Promise<Buffer> {
  let got = 0;
  while (got < size) {
    const { bytesRead } = await file.handle.read(into, got, size - got, offset + got);
    if (bytesRead === 0) throw new FileChangedError(`${file.path} changed while it was being uploaded`);
    got += bytesRead;
  }
  return into.subarray(0, size);
}
