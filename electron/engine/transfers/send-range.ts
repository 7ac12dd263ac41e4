// One byte range of a file sent in one request (a multipart part, or a whole file in one PUT), the same
// way for both upload strategies:
//
// Buffered (the usual case): the range is read into a buffer lent by the pool, checked against the
// recorded version, CRC32'd once (native zlib.crc32) and sent with that checksum as a header and a
// Content-Length: S3 verifies the bytes against it.
//
// Streamed (the pool lends no buffer): the SDK sends the file aws-chunked with its own CRC32 trailer,
// and the version is checked once the bytes are out.
//
// Chunked (sendRangeChunked, for a request built by hand): the file streamed aws-chunked through a small
// pooled buffer, with our CRC32 trailer (chunked-body.ts); the version is checked once the bytes are out.
//
// Either way S3 must echo the CRC32 of the bytes we read, and a failed attempt takes its bytes back
// from the progress.
import type { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import { bufferBody, crc32Base64, partBody } from './body.js';
import { chunkedBody, chunkedBufferSize } from './chunked-body.js';
import type { UploadContext } from './context.js';
import { assertVersion, FileChangedError } from './file-version.js';
import { readRange, type PartBuffer } from './part-buffers.js';
import type { SourceFile } from './source-file.js';
import { assertStoredCrc32 } from './verify.js';

export interface ByteRange {
  offset: number;
  size: number;
}

/** What a request for the range carries: its body and checksum fields, and the signal that aborts it. */
export interface RangeRequest {
  body: Readable;
  checksum: { ChecksumCRC32: string } | { ChecksumAlgorithm: 'CRC32' };
  signal: AbortSignal;
}

/** S3's answer: at least the CRC32 it stored. */
export interface StoredRange {
  ChecksumCRC32?: string | undefined;
}

export interface SentRange<T> {
  response: T;
  /** base64 CRC32 of the bytes sent (S3 stored the same). */
  checksum: string;
}

/**
 * Sends `range` of the upload's file with `send` (which builds and sends the request, and may throw
 * on an answer it cannot use). `what` names the range in a checksum error.
 */
export function sendRange<T extends StoredRange>(
  ctx: UploadContext,
  range: ByteRange,
  what: string,
  send: (request: RangeRequest) => Promise<T>,
): Promise<SentRange<T>> {
  const lease = ctx.partBuffers.take(range.size);
  return lease ? sendBuffered(ctx, range, what, lease, send) : sendStreamed(ctx, range, what, send);
}

/** The attempt's open file: every range is read through it, never by name (source-file.ts). */
function openFile(ctx: UploadContext): SourceFile {
  if (!ctx.source) throw new Error(`${ctx.sourcePath} was not opened for this upload`);
  return ctx.source;
}

async function sendBuffered<T extends StoredRange>(
  ctx: UploadContext,
  range: ByteRange,
  what: string,
  lease: PartBuffer,
  send: (request: RangeRequest) => Promise<T>,
): Promise<SentRange<T>> {
  let sent = false;
  try {
    const data = await readRange(openFile(ctx), range.offset, range.size, lease.buffer);
    // The bytes are only as good as the version they came from: check again after reading them.
    await assertVersion(ctx.sourcePath, ctx.version);
    ctx.signal.throwIfAborted();
    const checksum = crc32Base64(crc32(data));
    const body = bufferBody(data, {
      bucket: ctx.bandwidth,
      signal: ctx.signal,
      onBytes: ctx.onBytes,
      beforeChunk: ctx.beforeChunk,
    });
    try {
      const response = await send({ body: body.stream, checksum: { ChecksumCRC32: checksum }, signal: ctx.signal });
      sent = true;
      assertStoredCrc32(response.ChecksumCRC32, checksum, what);
      return { response, checksum };
    } catch (error) {
      ctx.onBytes(-body.bytesSent());
      body.stream.destroy();
      throw error;
    }
  } finally {
    lease.release(sent);
  }
}

/**
 * Sends `range` as an aws-chunked body with its CRC32 in the trailer (chunked-body.ts): no part-sized
 * buffer. For a request built by hand (part-request.ts): the SDK would frame the body again.
 */
export async function sendRangeChunked<T extends StoredRange>(
  ctx: UploadContext,
  range: ByteRange,
  what: string,
  send: (request: RangeRequest) => Promise<T>,
): Promise<SentRange<T>> {
  const size = chunkedBufferSize(range.size);
  // Past the pool's limit a buffer of its own (small: a few chunks).
  const lease = ctx.partBuffers.take(size);
  let sent = false;
  try {
    const result = await sendStreamed(ctx, range, what, send, (handle, offset, length, opts) =>
      chunkedBody(handle, ctx.sourcePath, offset, length, lease?.buffer ?? Buffer.allocUnsafe(size), opts),
    );
    sent = true;
    return result;
  } finally {
    // As for buffered ranges: after a failure a socket may still hold a chunk, so the buffer is dropped.
    lease?.release(sent);
  }
}

async function sendStreamed<T extends StoredRange>(
  ctx: UploadContext,
  range: ByteRange,
  what: string,
  send: (request: RangeRequest) => Promise<T>,
  makeBody: typeof partBody = partBody,
): Promise<SentRange<T>> {
  const request = new AbortController();
  const signal = AbortSignal.any([ctx.signal, request.signal]);
  const body = makeBody(openFile(ctx).handle, range.offset, range.size, {
    bucket: ctx.bandwidth,
    signal,
    onBytes: ctx.onBytes,
    onError: (e) => request.abort(e),
    beforeChunk: ctx.beforeChunk,
  });
  try {
    const response = await send({ body: body.stream, checksum: { ChecksumAlgorithm: 'CRC32' }, signal });
    // The file shrank or grew under us: what went out is not the version we recorded.
    if (body.bytesRead() !== range.size)
      throw new FileChangedError(`${ctx.sourcePath} changed while it was being uploaded`);
    await assertVersion(ctx.sourcePath, ctx.version);
    const checksum = body.checksum();
    assertStoredCrc32(response.ChecksumCRC32, checksum, what);
    return { response, checksum };
  } catch (error) {
    ctx.onBytes(-body.bytesRead());
    throw body.error() ?? error;
  } finally {
    body.close();
  }
}
