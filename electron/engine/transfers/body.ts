// Request bodies for one byte range of a file (send-range.ts decides which one a request gets).
//
// Buffered: bytes already read (into a pooled buffer, part-buffers.ts) handed to the HTTP layer in
// slices through the token bucket. The caller sends their CRC32 as a header; the SDK adds no checksum
// pass or aws-chunked framing of its own.
//
// Streamed: the open file (source-file.ts) piped through the token bucket and a CRC32 meter; the SDK sends it aws-chunked with
// its own CRC32 trailer. Memory stays bounded by stream buffers, never the part or file size.
//
// Either way the stream handed to the SDK never emits 'error': the SDK pipes it into the socket without
// an error listener, so an error there would crash the process. A read error aborts the request instead
// (onError), and the caller rethrows it from error().
import type { FileHandle } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { crc32 } from 'node:zlib';
import { throttle, type TokenBucket } from './token-bucket.js';

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
  /** Stops reading (always call, success or not: an aborted request leaves the stream half read). */
  close(): void;
}

export interface PartBodyOptions {
  bucket: TokenBucket;
  signal: AbortSignal;
  onBytes: (n: number) => void;
  onError: (error: unknown) => void;
  beforeChunk?: () => void;
}

/** A streamed body: the byte range of the open file piped through the token bucket and a CRC32 meter. */
export function partBody(handle: FileHandle, offset: number, size: number, opts: PartBodyOptions): PartBody {
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
  const file = rangeStream(handle, offset, size);
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
    close: () => {
      file.destroy();
      limiter.destroy();
    },
  };
}

/**
 * The range read through the descriptor with positional reads, so that the parts of one file can be read
 * at once. (fs.createReadStream over a FileHandle listens to the handle's close: one listener per part.)
 * Ends early if the file shrank; the caller compares the count.
 */
function rangeStream(handle: FileHandle, offset: number, size: number): Readable {
  let at = 0;
  return new Readable({
    highWaterMark: READ_CHUNK,
    read() {
      const n = Math.min(READ_CHUNK, size - at);
      if (n <= 0) return void this.push(null);
      handle.read(Buffer.allocUnsafe(n), 0, n, offset + at).then(
        ({ bytesRead, buffer }) => {
          at += bytesRead;
          this.push(bytesRead === 0 ? null : buffer.subarray(0, bytesRead));
        },
        (error: unknown) => this.destroy(error as Error),
      );
    },
  });
}

export function crc32Base64(value: number): string {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(value >>> 0);
  return b.toString('base64');
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
