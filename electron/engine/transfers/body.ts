// Request bodies for one byte range of a file.
//
// Buffered (the usual case): the range is read into a buffer lent by a small pool (no allocation or GC
// per part), its CRC32 is computed once from those bytes (native zlib.crc32), and the request goes out
// with that checksum in the x-amz-checksum-crc32 header and a Content-Length: S3 verifies the bytes
// against it and echoes what it stored, which must equal ours. The SDK then adds no checksum pass or
// aws-chunked framing of its own, and the payload is UNSIGNED (the checksum protects it).
//
// Streamed (a part bigger than the pool lends, or the pool is spent): the file is piped through the
// token bucket and a CRC32 meter, and the SDK sends it aws-chunked with its own CRC32 trailer; memory
// stays bounded by stream buffers, never the part or file size.
//
// Either way the stream handed to the SDK never emits 'error': the SDK pipes it into the socket without
// an error listener, so an error there would crash the process. A read error aborts the request instead
// (onError), and the caller rethrows it from error().
import { close, createReadStream, open, read } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { crc32 } from 'node:zlib';
import { Worker } from 'node:worker_threads';
import type { FileVersion } from '../state/journal.js';
import { FileChangedError, FileMissingError, NotAFileError } from './file-version.js';
import { throttle, type TokenBucket } from './token-bucket.js';

const MiB = 1024 * 1024;
const READ_CHUNK = 256 * 1024;
/** What a buffered body hands the HTTP layer at a time: progress and throttling go by these slices. */
const SEND_SLICE = 256 * 1024;

export interface PartBody {
  stream: Readable;
  /** base64 of the big-endian CRC32 of the bytes read so far (all of them once the stream ended). */
  checksum(): string;
  bytesRead(): number;
  /** The read error that aborted the request, if any. */
  error(): unknown;
  /** Closes the file (always call, success or not: an aborted request leaves the stream half read). */
  dispose(): void;
}

export interface PartBodyOptions {
  bucket: TokenBucket;
  signal: AbortSignal;
  onBytes: (n: number) => void;
  onError: (error: unknown) => void;
  beforeChunk?: () => void;
}

/** A streamed body: the file range piped through the token bucket and a CRC32 meter. */
export function partBody(path: string, offset: number, size: number, opts: PartBodyOptions): PartBody {
  let crc = 0;
  let read = 0;
  let failure: unknown;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      crc = crc32(chunk, crc);
      read += chunk.length;
      opts.onBytes(chunk.length);
      done(null, chunk);
    },
  });
  const file = createReadStream(path, { start: offset, end: offset + size - 1, highWaterMark: READ_CHUNK });
  const limiter = throttle(opts.bucket, opts.signal, opts.beforeChunk);
  const fail = (error: unknown): void => {
    if (failure !== undefined) return;
    failure = error;
    file.destroy();
    opts.onError(error);
  };
  file.on('error', fail);
  limiter.on('error', fail);
  file.pipe(limiter).pipe(meter);
  return {
    stream: meter,
    checksum: () => crc32Base64(crc),
    bytesRead: () => read,
    error: () => failure,
    dispose: () => {
      file.destroy();
      limiter.destroy();
    },
  };
}

export function crc32Base64(value: number): string {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(value >>> 0);
  return b.toString('base64');
}

// ---------- buffered bodies ----------

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

  constructor(
    readonly limitBytes: number,
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
 * The pool every upload shares: 8 parts of the default 8 MiB (the default budget is 4 requests). Parts
 * beyond it, or bigger than it, are streamed.
 */
export const partBuffers = new PartBufferPool(64 * MiB);

/**
 * Reads exactly `size` bytes at `offset` into `into` (one read call for a cached file). Fewer bytes
 * (the file shrank) is a FileChangedError; the caller checks the version around the read.
 */
export async function readRange(path: string, offset: number, size: number, into: Buffer): Promise<Buffer> {
  const fd = await new Promise<number>((resolve, reject) => open(path, 'r', (e, fd) => (e ? reject(e) : resolve(fd))));
  try {
    let got = 0;
    while (got < size) {
      const n = await new Promise<number>((resolve, reject) => read(fd, into, got, size - got, offset + got, (e, n) => (e ? reject(e) : resolve(n))));
      if (n === 0) throw new FileChangedError(`${path} changed while it was being uploaded`);
      got += n;
    }
    return into.subarray(0, size);
  } finally {
    close(fd, () => undefined);
  }
}

export type BufferBodyOptions = Omit<PartBodyOptions, 'onError'>;

export interface BufferBody {
  stream: Readable;
  /** Bytes handed to the HTTP layer (and counted with onBytes) so far. */
  bytesSent(): number;
}

/**
 * A request body over bytes already read: handed to the HTTP layer in slices as it asks for them,
 * through the token bucket, each slice counted as sent when it is taken. Never emits 'error': when the
 * signal aborts a wait for tokens the request is being aborted by the same signal, and the body stops.
 */
export function bufferBody(data: Buffer, opts: BufferBodyOptions): BufferBody {
  let at = 0;
  let sent = 0;
  const stream = new Readable({
    highWaterMark: SEND_SLICE,
    read() {
      if (at >= data.length) {
        this.push(null);
        return;
      }
      opts.beforeChunk?.();
      const n = Math.min(SEND_SLICE, data.length - at, opts.bucket.sliceSize());
      const slice = data.subarray(at, at + n);
      at += n;
      const send = (): void => {
        sent += n;
        opts.onBytes(n);
        this.push(slice);
      };
      if (opts.bucket.getRate() === null) return send();
      opts.bucket.take(n, opts.signal).then(send, () => undefined);
    },
  });
  return { stream, bytesSent: () => sent };
}

// ---------- small files, read whole on a worker thread ----------

/** What readSmallFile read, and the file's version right after (stat by path, as assertVersion does). */
export interface SmallFileRead {
  /** At most `size + 1` bytes: one more than expected says the file grew. */
  data: Buffer;
  version: FileVersion;
}

/**
 * Reads a small file whole (asking for `size + 1` bytes), then stats it by path: on a worker thread with
 * synchronous calls, so open, read, close and stat cost one round trip to that thread instead of four
 * trips through libuv's pool, each of which wakes a pool thread and the event loop again (on a busy
 * 2-core machine, most of a 4 KiB file's time). A slow or hung disk blocks that thread and the small
 * files queued behind it, never the event loop. Errors are the fs errors the async calls would give
 * (code, syscall, path), the stat's mapped as readVersion maps them.
 */
export function readSmallFile(path: string, size: number, signal?: AbortSignal): Promise<SmallFileRead> {
  return smallReader().read(path, size, signal);
}

interface WorkerReply {
  id: number;
  buffer?: ArrayBuffer;
  got?: number;
  stat?: { size: string; mtimeNs: string; ino: string; isFile: boolean };
  error?: { message: string; code?: string; errno?: number; syscall?: string; path?: string; stage: 'read' | 'stat' };
}

// CommonJS, evaluated as the worker's whole program (no separate file to build and ship).
const SMALL_READER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
parentPort.on('message', ({ id, path, size }) => {
  let stage = 'read';
  let fd;
  try {
    fd = fs.openSync(path, 'r');
    const buffer = new ArrayBuffer(size + 1);
    const view = Buffer.from(buffer);
    let got = 0;
    for (;;) {
      const n = fs.readSync(fd, view, got, view.length - got, got);
      got += n;
      if (n === 0 || got >= size) break;
    }
    fs.closeSync(fd);
    fd = undefined;
    stage = 'stat';
    const s = fs.statSync(path, { bigint: true });
    const stat = { size: String(s.size), mtimeNs: String(s.mtimeNs), ino: String(s.ino), isFile: s.isFile() };
    parentPort.postMessage({ id, buffer, got, stat }, [buffer]);
  } catch (e) {
    if (fd !== undefined) try { fs.closeSync(fd); } catch {}
    parentPort.postMessage({ id, error: { message: String(e && e.message), code: e && e.code, errno: e && e.errno, syscall: e && e.syscall, path: e && e.path, stage } });
  }
});
`;

/** An idle reader thread is stopped after this long (it holds a V8 heap of its own, ~10 MiB). */
const SMALL_READER_IDLE_MS = 10_000;

class SmallReader {
  private worker: Worker | undefined;
  private nextId = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  private readonly pending = new Map<number, { path: string; resolve: (r: SmallFileRead) => void; reject: (e: unknown) => void }>();

  read(path: string, size: number, signal?: AbortSignal): Promise<SmallFileRead> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason as Error);
      const id = this.nextId++;
      // A pause does not wait for a slow disk: the read is dropped here (its reply is ignored when it comes).
      const onAbort = (): void => {
        if (this.pending.delete(id)) this.idle();
        reject(signal?.reason as Error);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const done = (): void => signal?.removeEventListener('abort', onAbort);
      this.pending.set(id, {
        path,
        resolve: (r) => {
          done();
          resolve(r);
        },
        reject: (e) => {
          done();
          reject(e);
        },
      });
      clearTimeout(this.idleTimer);
      const worker = this.start();
      if (this.pending.size === 1) worker.ref(); // keeps the process alive only while a read is pending
      worker.postMessage({ id, path, size });
    });
  }

  /** Nothing pending: let the process exit, and stop the thread if it stays unused. */
  private idle(): void {
    if (this.pending.size > 0 || !this.worker) return;
    const worker = this.worker;
    worker.unref();
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      if (this.worker !== worker || this.pending.size > 0) return;
      this.worker = undefined;
      void worker.terminate();
    }, SMALL_READER_IDLE_MS);
    this.idleTimer.unref();
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(SMALL_READER_SOURCE, { eval: true });
    worker.unref();
    worker.on('message', (reply: WorkerReply) => this.settle(reply));
    // The worker died (should never happen): fail what it held, start a new one for the next read.
    const fail = (error: unknown): void => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      const waiting = [...this.pending.values()];
      this.pending.clear();
      for (const p of waiting) p.reject(error instanceof Error ? error : new Error(`the small-file reader stopped: ${String(error)}`));
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the small-file reader exited (${code})`)));
    this.worker = worker;
    return worker;
  }

  private settle(reply: WorkerReply): void {
    const p = this.pending.get(reply.id);
    if (!p) return;
    this.pending.delete(reply.id);
    this.idle();
    if (reply.error) return p.reject(fsError(reply.error, p.path));
    const stat = reply.stat!;
    if (!stat.isFile) return p.reject(new NotAFileError(`${p.path} is not a regular file`));
    const mtimeNs = BigInt(stat.mtimeNs);
    // The same FileVersion readVersion builds (file-version.ts).
    const version: FileVersion = { size: Number(stat.size), mtimeMs: Number(mtimeNs / 1_000_000n) + Number(mtimeNs % 1_000_000n) / 1e6, ino: stat.ino };
    p.resolve({ data: Buffer.from(reply.buffer!, 0, reply.got), version });
  }
}

function fsError(e: NonNullable<WorkerReply['error']>, path: string): Error {
  if (e.stage === 'stat' && (e.code === 'ENOENT' || e.code === 'ENOTDIR')) return new FileMissingError(`${path} no longer exists`);
  return Object.assign(new Error(e.message), {
    ...(e.code !== undefined ? { code: e.code } : {}),
    ...(e.errno !== undefined ? { errno: e.errno } : {}),
    ...(e.syscall !== undefined ? { syscall: e.syscall } : {}),
    ...(e.path !== undefined ? { path: e.path } : {}),
  });
}

let reader: SmallReader | undefined;
const smallReader = (): SmallReader => (reader ??= new SmallReader());
