// Files that fit in one part: one PutObject with a CRC32 the server verifies. The file is read whole
// (small files into their own Buffer, bigger ones into a pooled part buffer), the version checked after
// the read, and sent with a Content-Length and an x-amz-checksum-crc32 header computed from those bytes;
// only when the pool lends no buffer is it streamed with a CRC32 trailer (aws-chunked).
import { crc32 } from 'node:zlib';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { bufferBody, crc32Base64, partBody, partBuffers, readRange, readSmallFile, type PartBuffer } from './body.js';
import type { UploadContext } from './context.js';
import { assertVersion, FileChangedError, sameVersion } from './file-version.js';
import { withRetries } from './request.js';
import { putBuffer } from './s3-client.js';
import { assertStoredCrc32 } from './verify.js';

/** Up to this size a file is read into memory and sent from there (at most one such Buffer per request slot). */
export const BUFFERED_PUT_MAX = 1024 * 1024;

export async function uploadSingle(ctx: UploadContext): Promise<void> {
  if (ctx.version.size <= BUFFERED_PUT_MAX) return uploadBuffered(ctx);
  const release = await ctx.budget.acquire(ctx.signal);
  try {
    let tries = 0;
    await withRetries(ctx, async () => {
      // The queue stat'ed the file just before the first try; a retry comes later, look again.
      if (tries++ > 0) await assertVersion(ctx.sourcePath, ctx.version);
      const lease = partBuffers.take(ctx.version.size);
      if (lease) await putPooled(ctx, lease);
      else await putStreamed(ctx);
    });
  } finally {
    release();
  }
  ctx.onVerifying();
  // A PUT becomes visible at once: if the file changed while we read it, the queue uploads the new
  // version over it straight away.
  await assertVersion(ctx.sourcePath, ctx.version);
}

/** Read whole into a pooled buffer, checked against the version, sent with its CRC32 as a header. */
async function putPooled(ctx: UploadContext, lease: PartBuffer): Promise<void> {
  const size = ctx.version.size;
  let sent = false;
  try {
    const data = await readRange(ctx.sourcePath, 0, size, lease.buffer);
    // Grown or rewritten while we read it: what we hold is not the version we recorded.
    await assertVersion(ctx.sourcePath, ctx.version);
    ctx.signal.throwIfAborted();
    const checksum = crc32Base64(crc32(data));
    const body = bufferBody(data, { bucket: ctx.bandwidth, signal: ctx.signal, onBytes: ctx.onBytes, beforeChunk: ctx.beforeChunk });
    try {
      const res = await ctx.s3.send(
        new PutObjectCommand({ Bucket: ctx.bucketName, Key: ctx.key, Body: body.stream, ContentLength: size, ChecksumCRC32: checksum }),
        { abortSignal: ctx.signal },
      );
      sent = true;
      assertStoredCrc32(res.ChecksumCRC32, checksum, ctx.sourcePath);
    } catch (error) {
      ctx.onBytes(-body.bytesSent());
      body.stream.destroy();
      throw error;
    }
  } finally {
    lease.release(sent);
  }
}

/** Bigger than the pool lends (or the pool is spent): streamed with a CRC32 trailer (aws-chunked). */
async function putStreamed(ctx: UploadContext): Promise<void> {
  const size = ctx.version.size;
  const request = new AbortController();
  const signal = AbortSignal.any([ctx.signal, request.signal]);
  const body = partBody(ctx.sourcePath, 0, size, { bucket: ctx.bandwidth, signal, onBytes: ctx.onBytes, onError: (e) => request.abort(e), beforeChunk: ctx.beforeChunk });
  try {
    const res = await ctx.s3.send(
      new PutObjectCommand({
        Bucket: ctx.bucketName,
        Key: ctx.key,
        Body: body.stream,
        ContentLength: size,
        ChecksumAlgorithm: 'CRC32',
      }),
      { abortSignal: signal },
    );
    const sent = body.bytesRead();
    // The file shrank or grew under us: what went out is not the version we recorded.
    if (sent !== size) throw new FileChangedError(`${ctx.sourcePath} changed while it was being uploaded`);
    const ours = body.checksum();
    assertStoredCrc32(res.ChecksumCRC32, ours, ctx.sourcePath);
  } catch (error) {
    ctx.onBytes(-body.bytesRead());
    throw body.error() ?? error;
  } finally {
    body.dispose();
  }
}

/**
 * A small file: read once, then checked against the recorded version (the queue stat'ed it just
 * before), so the Buffer is exactly that version and every try sends the same bytes. The server
 * verifies the CRC32 header; a stored checksum that differs fails the attempt.
 */
async function uploadBuffered(ctx: UploadContext): Promise<void> {
  const size = ctx.version.size;
  const release = await ctx.budget.acquire(ctx.signal);
  try {
    const { data, version } = await readSmallFile(ctx.sourcePath, size, ctx.signal);
    // Shorter or longer than the recorded version, or changed since (the stat after the read): it is being rewritten.
    if (data.length !== size || !sameVersion(version, ctx.version)) throw new FileChangedError(`${ctx.sourcePath} changed while it was being uploaded`);
    const checksum = crc32Base64(crc32(data));
    await withRetries(ctx, async () => {
      if (size > 0) {
        ctx.beforeChunk();
        await ctx.bandwidth.take(size, ctx.signal);
      }
      const res = await putBuffer(ctx.s3, { Bucket: ctx.bucketName, Key: ctx.key, Body: data, ChecksumCRC32: checksum }, ctx.signal);
      assertStoredCrc32(res.ChecksumCRC32, checksum, ctx.sourcePath);
    });
    ctx.onBytes(size);
  } finally {
    release();
  }
  ctx.onVerifying();
}
