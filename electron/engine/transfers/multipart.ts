// Multipart uploads driven by the engine itself, so that an upload id survives a crash: every
// finished part is journaled (ETag + CRC32) before it counts, and a restart sends only the rest.
// Uploads are created with a full-object CRC32 (x-amz-checksum-type: FULL_OBJECT): the object's
// checksum is the CRC32 of the whole file, checkable without knowing the part sizes. The client
// combines its journaled part CRC32s into the same value, sends it with Complete and checks S3's.
import { setMaxListeners } from 'node:events';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  ListPartsCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { UploadContext } from './context.js';
import { crc32Base64 } from './body.js';
import { crc32OfParts } from './crc32-combine.js';
import { objectMetadata } from './object-metadata.js';
import { assertVersion } from './file-version.js';
import { planParts, type PlannedPart } from './plan.js';
import { withRetries } from './request.js';
import { uploadChunkedPart } from './part-request.js';
import { sendRange, sendRangeChunked } from './send-range.js';
import { multipartEtag, unquote, VerificationError } from './verify.js';

const PART_SIGNAL_LISTENERS = 256;

export async function uploadMultipart(ctx: UploadContext): Promise<void> {
  const upload = await ensureUpload(ctx);
  if (upload === 'completed') return;
  const { uploadId, partSize, fullObject } = upload;
  const plan = planParts(ctx.version.size, partSize);
  const finished = new Map(ctx.journal.parts(ctx.id).map((p) => [p.number, p]));
  // A journaled part that does not match the plan (should never happen) is simply sent again.
  const todo = plan.filter((p) => finished.get(p.number)?.size !== p.size);
  await uploadParts(ctx, uploadId, todo);
  await complete(ctx, uploadId, plan.length, fullObject);
}

/**
 * The journaled upload id, checked with ListParts after a restart; or a new one, journaled at once.
 * 'completed': S3 had completed it (as our parts) before a crash took the answer away.
 */
async function ensureUpload(
  ctx: UploadContext,
): Promise<{ uploadId: string; partSize: number; fullObject: boolean } | 'completed'> {
  const row = ctx.journal.get(ctx.id);
  if (row?.uploadId && row.partSize && row.objectKey === ctx.key) {
    const alive = await withRetries(ctx, () =>
      ctx.s3
        .send(new ListPartsCommand({ Bucket: ctx.bucketName, Key: ctx.key, UploadId: row.uploadId, MaxParts: 1 }), {
          abortSignal: ctx.signal,
        })
        .then(
          // An upload journaled by an older Hoist may be COMPOSITE: it is completed as it was created.
          (listed) => ({ fullObject: listed.ChecksumType === 'FULL_OBJECT' }),
          (error: unknown) => {
            if (isNoSuchUpload(error)) return undefined;
            throw error;
          },
        ),
    );
    if (alive) return { uploadId: row.uploadId, partSize: row.partSize, fullObject: alive.fullObject };
    // Gone: expired, aborted, or completed just before a crash. S3 answers a repeated Complete as it
    // answered the first, so an upload that was being completed is asked once more before anything is
    // sent again (the answer's ETag must be the one of our journaled parts).
    if (row.completing && (await completedBefore(ctx, row.uploadId, row.partSize))) return 'completed';
    ctx.journal.forgetUpload(ctx.id);
  }
  const created = await withRetries(ctx, () =>
    ctx.s3.send(
      new CreateMultipartUploadCommand({
        Bucket: ctx.bucketName,
        Key: ctx.key,
        ChecksumAlgorithm: 'CRC32',
        ChecksumType: 'FULL_OBJECT',
        ...objectMetadata(ctx.key, ctx.version),
      }),
      { abortSignal: ctx.signal },
    ),
  );
  const uploadId = created.UploadId;
  if (!uploadId) throw new Error('CreateMultipartUpload returned no UploadId');
  if (ctx.signal.aborted) {
    // Paused or cancelled while Create was on the wire: this id was never journaled, drop it now.
    await ctx.s3
      .send(new AbortMultipartUploadCommand({ Bucket: ctx.bucketName, Key: ctx.key, UploadId: uploadId }))
      .catch(() => undefined);
    ctx.signal.throwIfAborted();
  }
  ctx.journal.setUpload(ctx.id, ctx.key, uploadId, ctx.partSize);
  return { uploadId, partSize: ctx.partSize, fullObject: true };
}

async function completedBefore(ctx: UploadContext, uploadId: string, partSize: number): Promise<boolean> {
  try {
    // Whatever type it was created with: a repeated Complete is answered as the first, its checksum checked when it is full-object.
    await complete(ctx, uploadId, planParts(ctx.version.size, partSize).length, false);
    return true;
  } catch (error) {
    // Not ours to finish (expired, aborted, or replaced since): start over.
    if (isNoSuchUpload(error) || error instanceof VerificationError) return false;
    throw error;
  }
}

const isNoSuchUpload = (error: unknown): boolean => (error as { name?: string }).name === 'NoSuchUpload';

/** Parts in parallel (read live from settings), each holding one slot of the shared request budget. */
async function uploadParts(ctx: UploadContext, uploadId: string, todo: PlannedPart[]): Promise<void> {
  const local = new AbortController();
  const signal = AbortSignal.any([ctx.signal, local.signal]);
  // Every part in flight listens to it (its request, a backoff sleep, a wait for a slot): up to 64 parts
  // in parallel, a few listeners each, is expected and no leak.
  setMaxListeners(PART_SIGNAL_LISTENERS, signal);
  const partCtx = { ...ctx, signal };
  let next = 0;
  let running = 0;
  let firstError: unknown;
  await new Promise<void>((resolve) => {
    const launch = (): void => {
      while (firstError === undefined && next < todo.length && running < Math.max(1, ctx.partsInParallel())) {
        const part = todo[next++] as PlannedPart;
        running++;
        void uploadPart(partCtx, uploadId, part)
          .catch((error: unknown) => {
            if (firstError === undefined) {
              firstError = error;
              local.abort(error); // one part failed for good: stop its siblings
            }
          })
          .finally(() => {
            running--;
            if (running === 0 && (firstError !== undefined || next >= todo.length)) resolve();
            else launch();
          });
      }
      if (running === 0) resolve();
    };
    launch();
  });
  if (firstError !== undefined) throw ctx.signal.aborted ? ctx.signal.reason : firstError;
}

async function uploadPart(ctx: UploadContext, uploadId: string, part: PlannedPart): Promise<void> {
  const release = await ctx.budget.acquire(ctx.signal);
  try {
    await withRetries(ctx, async () => {
      await assertVersion(ctx.sourcePath, ctx.version);
      // With a signed route the part streams from the file in a request of our own; otherwise through the SDK.
      const route = await ctx.putRoutes.for(ctx.s3, ctx.bucketName);
      const { response, checksum } = await (route ? sendRangeChunked : sendRange)(
        ctx,
        part,
        `part ${part.number}`,
        async ({ body, checksum, signal }) => {
          const input = {
            Bucket: ctx.bucketName,
            Key: ctx.key,
            UploadId: uploadId,
            PartNumber: part.number,
            Body: body,
            ContentLength: part.size,
          };
          const res = route
            ? await uploadChunkedPart(route, ctx.s3, input, signal)
            : await ctx.s3.send(new UploadPartCommand({ ...input, ...checksum }), { abortSignal: signal });
          if (!res.ETag) throw new Error(`UploadPart ${part.number} returned no ETag`);
          return { ChecksumCRC32: res.ChecksumCRC32, etag: res.ETag };
        },
      );
      // S3 stored the CRC32 of the bytes we read: the part counts once it is journaled.
      ctx.journal.putPart(ctx.id, { number: part.number, size: part.size, etag: response.etag, checksum });
    });
  } finally {
    release();
  }
}

async function complete(ctx: UploadContext, uploadId: string, partCount: number, fullObject: boolean): Promise<void> {
  const parts = ctx.journal.parts(ctx.id);
  if (parts.length !== partCount) throw new Error(`journal holds ${parts.length} of ${partCount} parts`);
  // The CRC32 of the whole file, from the part CRC32s S3 confirmed as each part was read and sent.
  const wholeCrc32 = crc32Base64(
    crc32OfParts(parts.map((p) => ({ crc: Buffer.from(p.checksum, 'base64').readUInt32BE(0), size: p.size }))),
  );
  await assertVersion(ctx.sourcePath, ctx.version);
  ctx.onVerifying();
  ctx.journal.setCompleting(ctx.id, true);
  const res = await withRetries(ctx, () =>
    ctx.s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: ctx.bucketName,
        Key: ctx.key,
        UploadId: uploadId,
        MultipartUpload: {
          Parts: parts.map((p) => ({ PartNumber: p.number, ETag: p.etag, ChecksumCRC32: p.checksum })),
        },
        // S3 checks the object it assembled against this value and refuses the Complete if they differ.
        ...(fullObject ? { ChecksumCRC32: wholeCrc32, ChecksumType: 'FULL_OBJECT' as const } : {}),
      }),
      { abortSignal: ctx.signal },
    ),
  );
  const expected = multipartEtag(parts.map((p) => p.etag));
  if (unquote(res.ETag) !== expected) {
    throw new VerificationError(
      `the completed object's ETag ${unquote(res.ETag)} is not the ${expected} of the journaled parts`,
    );
  }
  if (res.ChecksumType === 'FULL_OBJECT' && res.ChecksumCRC32 !== undefined && res.ChecksumCRC32 !== wholeCrc32) {
    throw new VerificationError(
      `the completed object's CRC32 ${res.ChecksumCRC32} is not the ${wholeCrc32} of the file`,
    );
  }
}
