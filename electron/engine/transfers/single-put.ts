// Files that fit in one part: one PutObject with a CRC32 the server verifies. Small files are read whole
// on the reader thread (usually by the queue, with their version) and sent through the lean PutObject
// path (s3-client.ts putBuffer); bigger ones go out as one range (send-range.ts: a pooled buffer with a
// CRC32 header, or streamed with a trailer).
import { crc32 } from 'node:zlib';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { crc32Base64 } from './body.js';
import type { UploadContext } from './context.js';
import { assertVersion, FileChangedError, sameVersion } from './file-version.js';
import { objectMetadata } from './object-metadata.js';
import { withRetries } from './request.js';
import { putBuffer } from './s3-client.js';
import { sendRange } from './send-range.js';
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
        ctx.s3.send(
          new PutObjectCommand({
            Bucket: ctx.bucketName,
            Key: ctx.key,
            Body: body,
            ContentLength: size,
            ...checksum,
            ...objectMetadata(ctx.key, ctx.version),
          }),
          {
            abortSignal: signal,
          },
        ),
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
 * A small file: its bytes, read as the recorded version (the queue's read, or one here), are sent as
 * they are on every try. The server verifies the CRC32 header; a stored checksum that differs fails the
 * attempt.
 */
async function uploadBuffered(ctx: UploadContext): Promise<void> {
  const size = ctx.version.size;
  const release = await ctx.budget.acquire(ctx.signal);
  try {
    const data = ctx.contents ?? (await readContents(ctx));
    const checksum = crc32Base64(crc32(data));
    await withRetries(ctx, async () => {
      if (size > 0) {
        ctx.beforeChunk();
        await ctx.bandwidth.take(size, ctx.signal);
      }
      const res = await putBuffer(
        ctx.putRoutes,
        ctx.s3,
        {
          Bucket: ctx.bucketName,
          Key: ctx.key,
          Body: data,
          ChecksumCRC32: checksum,
          ...objectMetadata(ctx.key, ctx.version),
        },
        ctx.signal,
      );
      assertStoredCrc32(res.ChecksumCRC32, checksum, ctx.sourcePath);
    });
    ctx.onBytes(size);
  } finally {
    release();
  }
  ctx.onVerifying();
}

async function readContents(ctx: UploadContext): Promise<Buffer> {
  const read = await ctx.smallFiles.read(ctx.sourcePath, BUFFERED_PUT_MAX, ctx.signal);
  // Grown, rewritten, or changed since the queue looked: what we hold is not the recorded version.
  if (!read.data || !sameVersion(read.version, ctx.version))
    throw new FileChangedError(`${ctx.sourcePath} changed while it was being uploaded`);
  return read.data;
}
