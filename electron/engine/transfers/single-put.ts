// Files that fit in one part: one PutObject with a CRC32 the server verifies. Small files are read whole
// on the reader thread and sent through the lean PutObject path (s3-client.ts putBuffer); bigger ones go
// out as one range (send-range.ts: a pooled buffer with a CRC32 header, or streamed with a trailer).
import { crc32 } from 'node:zlib';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { crc32Base64 } from './body.js';
import type { UploadContext } from './context.js';
import { assertVersion, FileChangedError, sameVersion } from './file-version.js';
import { withRetries } from './request.js';
import { putBuffer } from './s3-client.js';
import { sendRange } from './send-range.js';
import { readSmallFile } from './small-file-reader.js';
import { assertStoredCrc32 } from './verify.js';

/** Up to this size a file is read into memory and sent from there (at most one such Buffer per request slot). */
export const BUFFERED_PUT_MAX = 1024 * 1024;

export async function uploadSingle(ctx: UploadContext): Promise<void> {
  if (ctx.version.size <= BUFFERED_PUT_MAX) return uploadBuffered(ctx);
  const size = ctx.version.size;
  const release = await ctx.budget.acquire(ctx.signal);
  try {
    let tries = 0;
    await withRetries(ctx, async () => {
      // The queue stat'ed the file just before the first try; a retry comes later, look again.
      if (tries++ > 0) await assertVersion(ctx.sourcePath, ctx.version);
      await sendRange(ctx, { offset: 0, size }, ctx.sourcePath, ({ body, checksum, signal }) =>
        ctx.s3.send(new PutObjectCommand({ Bucket: ctx.bucketName, Key: ctx.key, Body: body, ContentLength: size, ...checksum }), { abortSignal: signal }),
      );
    });
  } finally {
    release();
  }
  ctx.onVerifying();
  // A PUT becomes visible at once: if the file changed while we read it, the queue uploads the new
  // version over it straight away.
  await assertVersion(ctx.sourcePath, ctx.version);
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
