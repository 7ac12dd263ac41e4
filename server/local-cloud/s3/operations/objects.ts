// PutObject, GetObject, HeadObject, DeleteObject (and the conditional / Range / ?partNumber behaviours).
import { open, unlink, type FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { checksumHeader } from '../checksums.js';
import { sendEmpty, type S3Context } from '../context.js';
import type { S3Deps } from '../deps.js';
import { S3Error, errors } from '../errors.js';
import { ingestBody } from '../ingest.js';
import { objectHeadersFrom, responseObjectHeaders } from '../object-headers.js';
import type { BlobRef, ObjectRecord } from '../object-store.js';

export const MAX_PUT_BYTES = 5 * 1024 ** 3;

export async function putObject(ctx: S3Context, deps: S3Deps, bucket: string, key: string): Promise<void> {
  const objectHeaders = objectHeadersFrom(ctx);
  checkWritePreconditions(ctx, deps.store.get(bucket, key));
  const { blob, path } = deps.store.newBlob();
  const body = await ingestBody(ctx, { path, maxSize: MAX_PUT_BYTES });
  const algorithm = body.declaredAlgorithm;
  const checksumValue = algorithm ? body.checksums[algorithm] : undefined;
  const record: ObjectRecord = {
    key,
    size: body.size,
    etag: `"${body.md5Hex}"`,
    lastModified: deps.now().toISOString(),
    ...objectHeaders,
    ...(algorithm && checksumValue
      ? { checksum: { algorithm, value: checksumValue, type: 'FULL_OBJECT' as const } }
      : {}),
    multipart: false,
    blobs: [{ blob, size: body.size }],
  };
  try {
    await deps.store.put(bucket, record);
  } catch (err) {
    await unlink(path).catch(() => undefined); // not committed: nothing refers to the blob
    throw err;
  }
  const headers: Record<string, string> = { etag: record.etag };
  if (algorithm && checksumValue) {
    headers[checksumHeader(algorithm)] = checksumValue;
    headers['x-amz-checksum-type'] = 'FULL_OBJECT';
  }
  sendEmpty(ctx, 200, headers);
}

/** If-None-Match: * (create only) and If-Match on writes, as S3 supports them. */
function checkWritePreconditions(ctx: S3Context, existing: ObjectRecord | undefined): void {
  const ifNoneMatch = ctx.header('if-none-match');
  if (ifNoneMatch !== undefined && ifNoneMatch.trim() === '*' && existing)
    throw errors.PreconditionFailed({ Condition: 'If-None-Match' });
  const ifMatch = ctx.header('if-match');
  if (ifMatch !== undefined) {
    if (!existing) throw errors.NoSuchKey();
    if (!etagListMatches(ifMatch, existing.etag)) throw errors.PreconditionFailed({ Condition: 'If-Match' });
  }
}

function etagListMatches(header: string, etag: string): boolean {
  const bare = etag.replace(/"/g, '');
  return header.split(',').some((candidate) => {
    const c = candidate.trim().replace(/^W\//, '').replace(/"/g, '');
    return c === '*' || c === bare;
  });
}

/** GET/HEAD preconditions; returns 304 when the client's copy is current, throws 412 when a condition fails. */
function readPreconditions(ctx: S3Context, record: ObjectRecord): 304 | undefined {
  const modified = Math.floor(Date.parse(record.lastModified) / 1000);
  const seconds = (value: string): number | undefined => {
    const t = Date.parse(value);
    return Number.isNaN(t) ? undefined : Math.floor(t / 1000);
  };
  const ifMatch = ctx.header('if-match');
  const ifUnmodified = ctx.header('if-unmodified-since');
  if (ifMatch !== undefined) {
    if (!etagListMatches(ifMatch, record.etag)) throw errors.PreconditionFailed({ Condition: 'If-Match' });
  } else if (ifUnmodified !== undefined) {
    const since = seconds(ifUnmodified);
    if (since !== undefined && modified > since) throw errors.PreconditionFailed({ Condition: 'If-Unmodified-Since' });
  }
  const ifNoneMatch = ctx.header('if-none-match');
  const ifModified = ctx.header('if-modified-since');
  if (ifNoneMatch !== undefined) {
    if (etagListMatches(ifNoneMatch, record.etag)) return 304;
  } else if (ifModified !== undefined) {
    const since = seconds(ifModified);
    if (since !== undefined && modified <= since) return 304;
  }
  return undefined;
}

type Range = { start: number; end: number }; // inclusive

/** Parses a single `bytes=` range; undefined = serve the whole object (absent, multi-range or malformed, as S3). */
function parseRange(header: string | undefined, size: number): Range | undefined {
  if (header === undefined) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  const unsatisfiable = (): S3Error =>
    new S3Error(
      'InvalidRange',
      416,
      'The requested range is not satisfiable',
      { RangeRequested: header, ActualObjectSize: String(size) },
      { 'content-range': `bytes */${size}` },
    );
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0 || size === 0) throw unsatisfiable();
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (match[2] !== '' && Number(match[2]) < start) return undefined; // syntactically invalid: ignored
  if (start >= size) throw unsatisfiable();
  return { start, end };
}

export async function getObject(
  ctx: S3Context,
  deps: S3Deps,
  bucket: string,
  key: string,
  headOnly: boolean,
): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const record = deps.store.get(bucket, key);
    if (!record) throw errors.NoSuchKey({ Key: key });
    try {
      await serveObject(ctx, record, deps, headOnly);
      return;
    } catch (err) {
      // The object was replaced between reading its metadata and opening its blobs: read the new one.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' && attempt < 3 && !ctx.res.headersSent) continue;
      throw err;
    }
  }
}

async function serveObject(ctx: S3Context, record: ObjectRecord, deps: S3Deps, headOnly: boolean): Promise<void> {
  const notModified = readPreconditions(ctx, record);
  if (notModified) {
    sendEmpty(ctx, 304, { etag: record.etag, 'last-modified': new Date(record.lastModified).toUTCString() });
    return;
  }
  let range: Range | undefined;
  const extra: Record<string, string> = {};
  const partNumberText = ctx.query.get('partNumber');
  if (partNumberText !== undefined) {
    const partNumber = Number(partNumberText);
    if (!/^\d+$/.test(partNumberText) || partNumber < 1 || partNumber > 10_000) {
      throw errors.InvalidArgument('Part number must be an integer between 1 and 10000, inclusive', {
        ArgumentName: 'partNumber',
        ArgumentValue: partNumberText,
      });
    }
    const parts = record.multipart ? record.blobs : [{ blob: '', size: record.size }];
    if (partNumber > parts.length)
      throw new S3Error('InvalidPartNumber', 416, 'The requested partnumber is not satisfiable', {
        PartNumberRequested: partNumberText,
        ActualPartCount: String(parts.length),
      });
    let start = 0;
    for (let i = 0; i < partNumber - 1; i++) start += parts[i]?.size ?? 0;
    range = { start, end: start + (parts[partNumber - 1]?.size ?? 0) - 1 };
    if (record.multipart) extra['x-amz-mp-parts-count'] = String(record.blobs.length);
  } else {
    range = parseRange(ctx.header('range'), record.size);
  }
  const partial = range !== undefined;
  const start = range?.start ?? 0;
  const end = range?.end ?? record.size - 1;
  const length = Math.max(0, end - start + 1);
  const headers: Record<string, string> = {
    ...responseObjectHeaders(ctx, record, !partial),
    ...extra,
    'content-length': String(length),
  };
  if (partial) headers['content-range'] = `bytes ${start}-${end}/${record.size}`;
  const status = partial ? 206 : 200;
  if (headOnly) {
    sendEmpty(ctx, status, headers);
    return;
  }
  const handles = await openSegments(deps, record.blobs, start, end);
  ctx.log.status = status;
  ctx.res.writeHead(status, {
    'x-amz-request-id': ctx.requestId,
    'x-amz-id-2': ctx.hostId,
    date: ctx.now.toUTCString(),
    server: 'AmazonS3',
    ...headers,
  });
  await pipeline(Readable.from(readSegments(handles)), ctx.res).catch(() => undefined); // a client that hangs up is not an error
}

interface Segment {
  handle: FileHandle;
  start: number;
  end: number; // inclusive
}

/** Opens every blob the range touches before answering, so a concurrent overwrite cannot tear the body. */
async function openSegments(deps: S3Deps, blobs: BlobRef[], start: number, end: number): Promise<Segment[]> {
  const segments: Segment[] = [];
  let offset = 0;
  try {
    for (const blob of blobs) {
      const blobStart = offset;
      const blobEnd = offset + blob.size - 1;
      offset += blob.size;
      if (blob.size === 0 || blobEnd < start || blobStart > end) continue;
      const handle = await open(deps.store.blobPath(blob.blob), 'r');
      segments.push({ handle, start: Math.max(start, blobStart) - blobStart, end: Math.min(end, blobEnd) - blobStart });
    }
    return segments;
  } catch (err) {
    for (const s of segments) await s.handle.close().catch(() => undefined);
    throw err;
  }
}

async function* readSegments(segments: Segment[]): AsyncGenerator<Buffer> {
  try {
    for (const segment of segments) {
      let position = segment.start;
      while (position <= segment.end) {
        const length = Math.min(1024 * 1024, segment.end - position + 1);
        const buffer = Buffer.allocUnsafe(length);
        const { bytesRead } = await segment.handle.read(buffer, 0, length, position);
        if (bytesRead === 0) throw new Error('blob shorter than recorded');
        position += bytesRead;
        yield bytesRead === length ? buffer : buffer.subarray(0, bytesRead);
      }
    }
  } finally {
    for (const s of segments) await s.handle.close().catch(() => undefined);
  }
}

export async function deleteObject(ctx: S3Context, deps: S3Deps, bucket: string, key: string): Promise<void> {
  await deps.store.delete(bucket, key); // deleting a missing key succeeds, as in S3
  sendEmpty(ctx, 204);
}
