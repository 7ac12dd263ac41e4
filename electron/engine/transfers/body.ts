// A request body for one byte range of a file: streamed (memory bounded by stream buffers, never
// the part or file size), throttled by the shared token bucket, counted as the HTTP layer pulls it,
// and CRC32'd on the way (native zlib.crc32) so the journal holds the checksum of what we sent.
import { createReadStream } from 'node:fs';
import { pipeline, Transform, type Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import { throttle, type TokenBucket } from './token-bucket.js';

const READ_CHUNK = 256 * 1024;

export interface PartBody {
  stream: Readable;
  /** base64 of the big-endian CRC32 of the bytes read so far (all of them once the stream ended). */
  checksum(): string;
  bytesRead(): number;
}

export function partBody(
  path: string,
  offset: number,
  size: number,
  opts: { bucket: TokenBucket; signal: AbortSignal; onBytes: (n: number) => void; beforeChunk?: () => void },
): PartBody {
  let crc = 0;
  let read = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      crc = crc32(chunk, crc);
      read += chunk.length;
      opts.onBytes(chunk.length);
      done(null, chunk);
    },
  });
  const file = createReadStream(path, { start: offset, end: offset + size - 1, highWaterMark: READ_CHUNK });
  const stream = pipeline(file, throttle(opts.bucket, opts.signal, opts.beforeChunk), meter, () => {
    // errors reach the consumer through `meter`; nothing to do here
  });
  return { stream, checksum: () => crc32Base64(crc), bytesRead: () => read };
}

export function crc32Base64(value: number): string {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(value >>> 0);
  return b.toString('base64');
}
