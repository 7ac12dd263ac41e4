// Files that fit in one part: one streamed PutObject with a CRC32 trailer the server verifies.
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { partBody, crc32Base64 } from './body.js';
import type { UploadContext } from './context.js';
import { assertVersion, FileChangedError } from './file-version.js';
import { withRetries } from './request.js';
import { VerificationError } from './verify.js';

export async function uploadSingle(ctx: UploadContext): Promise<void> {
  const size = ctx.version.size;
  const release = await ctx.budget.acquire(ctx.signal);
  try {
    await withRetries(ctx, async () => {
      await assertVersion(ctx.sourcePath, ctx.version);
      // An empty file has no byte range to stream; an empty Buffer sends Content-Length: 0.
      const request = new AbortController();
      const signal = AbortSignal.any([ctx.signal, request.signal]);
      const body =
        size === 0
          ? undefined
          : partBody(ctx.sourcePath, 0, size, { bucket: ctx.bandwidth, signal, onBytes: ctx.onBytes, onError: (e) => request.abort(e), beforeChunk: ctx.beforeChunk });
      try {
        const res = await ctx.s3.send(
          new PutObjectCommand({
            Bucket: ctx.bucketName,
            Key: ctx.key,
            Body: body?.stream ?? Buffer.alloc(0),
            ContentLength: size,
            ChecksumAlgorithm: 'CRC32',
          }),
          { abortSignal: signal },
        );
        const sent = body ? body.bytesRead() : 0;
        // The file shrank or grew under us: what went out is not the version we recorded.
        if (sent !== size) throw new FileChangedError(`${ctx.sourcePath} changed while it was being uploaded`);
        const ours = body ? body.checksum() : crc32Base64(0);
        if (res.ChecksumCRC32 !== undefined && res.ChecksumCRC32 !== ours) {
          throw Object.assign(new VerificationError(`S3 stored CRC32 ${res.ChecksumCRC32}, we sent ${ours}`), { Code: 'BadDigest' });
        }
      } catch (error) {
        if (body) ctx.onBytes(-body.bytesRead());
        throw body?.error() ?? error;
      } finally {
        body?.dispose();
      }
    });
  } finally {
    release();
  }
  ctx.onVerifying();
  // A PUT becomes visible at once: if the file changed while we read it, the queue uploads the new
  // version over it straight away.
  await assertVersion(ctx.sourcePath, ctx.version);
}
