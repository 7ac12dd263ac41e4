// A byte range of the open file as an `aws-chunked` request body with its CRC32 in the trailer: read,
// checksummed and handed to the socket in one pass through a few chunk-sized slots of one buffer, so a
// part in flight holds that buffer (lent by the pool and reused), not the whole part, and each chunk is
// checksummed while it is still in the CPU's cache.
//
// A buffer is reused only once the socket has taken its bytes (the write's callback). A Readable cannot
// learn that from pipe(), so this body writes to the request itself: the HTTP handler pipes a Readable
// body into the request, and pipe() here starts the writer instead.
//
// Like the other bodies (body.ts) it never emits 'error': a read error aborts the request (onError) and
// the caller rethrows it from error().
import type { FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import { crc32Base64, type PartBody, type PartBodyOptions } from './body.js';
import { FileChangedError } from './file-version.js';

/** Chunks on their way to the socket at once: the buffer is cut into this many slots. */
const SLOTS = 4;
/** Room in a slot before the data for the chunk's size line ("3ffdc\r\n"), and after it for "\r\n". */
const HEAD_ROOM = 16;
const TAIL_ROOM = 2;

/** The buffer a body of `size` bytes needs: SLOTS chunks of at most 256 KiB of data. */
export const chunkedBufferSize = (size: number): number =>
  SLOTS * (Math.min(size, 256 * 1024 - HEAD_ROOM - TAIL_ROOM) + HEAD_ROOM + TAIL_ROOM);

/** The trailer header that carries the checksum. */
export const CHECKSUM_TRAILER = 'x-amz-checksum-crc32';

interface Writer {
  write(chunk: Buffer, callback: (error?: Error | null) => void): boolean;
  end(chunk: Buffer): void;
}

export function chunkedBody(
  handle: FileHandle,
  path: string,
  offset: number,
  size: number,
  buffer: Buffer,
  opts: PartBodyOptions,
): PartBody {
  const slotSize = Math.floor(buffer.length / SLOTS);
  const chunkSize = slotSize - HEAD_ROOM - TAIL_ROOM;
  let crc = 0;
  let read = 0;
  let failure: unknown;
  let closed = false;
  let stop: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (stop = resolve));

  const fail = (error: unknown): void => {
    if (failure !== undefined || closed) return;
    failure = error;
    opts.onError(error);
  };

  const pump = async (dest: Writer): Promise<void> => {
    const slots = Array.from({ length: SLOTS }, (_, i) => buffer.subarray(i * slotSize, (i + 1) * slotSize));
    const taken: Array<Promise<void>> = slots.map(() => Promise.resolve());
    let slot = 0;
    while (read < size) {
      // The socket still holds this buffer's previous chunk until its write completes.
      await Promise.race([taken[slot], stopped]);
      if (closed) return;
      opts.beforeChunk?.();
      const n = Math.min(chunkSize, size - read, opts.bucket.sliceSize());
      const slotBuffer = slots[slot] as Buffer;
      let got = 0;
      while (got < n) {
        opts.signal.throwIfAborted();
        const { bytesRead } = await handle.read(slotBuffer, HEAD_ROOM + got, n - got, offset + read + got);
        if (closed) return;
        if (bytesRead === 0) throw new FileChangedError(`${path} changed while it was being uploaded`);
        got += bytesRead;
      }
      if (opts.bucket.getRate() !== null) await opts.bucket.take(n, opts.signal);
      if (closed) return;
      const data = slotBuffer.subarray(HEAD_ROOM, HEAD_ROOM + n);
      crc = crc32(data, crc);
      const head = `${n.toString(16)}\r\n`;
      slotBuffer.write(head, HEAD_ROOM - head.length, 'latin1');
      slotBuffer.write('\r\n', HEAD_ROOM + n, 'latin1');
      taken[slot] = new Promise((resolve) =>
        dest.write(slotBuffer.subarray(HEAD_ROOM - head.length, HEAD_ROOM + n + 2), () => resolve()),
      );
      read += n;
      opts.onBytes(n);
      slot = (slot + 1) % SLOTS;
    }
    dest.end(Buffer.from(`0\r\n${CHECKSUM_TRAILER}:${crc32Base64(crc)}\r\n\r\n`, 'latin1'));
  };

  const stream = new Readable({ read: () => undefined });
  stream.pipe = <T extends NodeJS.WritableStream>(dest: T): T => {
    pump(dest as unknown as Writer).catch(fail);
    return dest;
  };
  return {
    stream,
    checksum: () => crc32Base64(crc),
    bytesRead: () => read,
    error: () => failure,
    close: () => {
      closed = true;
      stop();
    },
  };
}
