// A request body for one byte range of a file: streamed (memory bounded by stream buffers, never
// the part or file size), throttled by the shared token bucket, counted as the HTTP layer pulls it,
// and CRC32'd on the way (native zlib.crc32) so the journal holds the checksum of what we sent.
//
// The stream handed to the SDK never emits 'error': the SDK wraps it (aws-chunked) and pipes it into
// the socket without an error listener, so an error there would crash the process. A read error
// aborts the request instead (onError), and the caller rethrows it from error().
import { createReadStream } from 'node:fs';
import { Transform, type Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import { throttle, type TokenBucket } from './token-bucket.js';

const READ_CHUNK = 256 * 1024;

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
