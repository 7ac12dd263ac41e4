// Multipart uploads: Create, UploadPart, Complete, Abort, ListParts, ListMultipartUploads.
// Complete never touches object data: the ETag is the MD5 of the recorded part MD5s, the checksum is
// computed from the recorded part checksums (COMPOSITE: a digest of them, "-<count>"; FULL_OBJECT, CRCs
// only: the whole object's CRC combined from part CRCs and sizes), and the part files are renamed into
// the object store, where the object is a manifest of them (see object-store.ts).
import { createHash } from 'node:crypto';
import { checksumElement, checksumHeader, digestOf, parseAlgorithm, type ChecksumAlgorithm } from '../checksums.js';
import { combinedCrc, fullObjectAlgorithms } from '../crc-combine.js';
import { sendEmpty, sendXml, type S3Context } from '../context.js';
import type { S3Deps } from '../deps.js';
import { S3Error, errors } from '../errors.js';
import { declaredChecksum, ingestBody, readSmallBody } from '../ingest.js';
import { objectHeadersFrom } from '../object-headers.js';
import type { BlobRef, ObjectRecord } from '../object-store.js';
import type { PartRecord, UploadRecord } from '../upload-store.js';
import { asArray, parseXml, type XmlNode } from '../xml.js';
import { listParams, paginate } from './listing-util.js';

export const MIN_PART_BYTES = 5 * 1024 * 1024;
export const MAX_PART_BYTES = 5 * 1024 ** 3;
export const MAX_PARTS = 10_000;

export async function createMultipartUpload(
  ctx: S3Context,
  deps: S3Deps,
  bucket: string,
  key: string,
  initiator: string,
): Promise<void> {
  const objectHeaders = objectHeadersFrom(ctx);
  const algorithmHeader = ctx.header('x-amz-checksum-algorithm');
  const algorithm = parseAlgorithm(algorithmHeader);
  if (algorithmHeader !== undefined && (!algorithm || algorithm === 'CRC64NVME')) {
    throw errors.InvalidRequest(
      'Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, SHA1, SHA256]',
    );
  }
  const typeHeader = ctx.header('x-amz-checksum-type')?.toUpperCase();
  if (typeHeader !== undefined && typeHeader !== 'COMPOSITE' && typeHeader !== 'FULL_OBJECT')
    throw errors.InvalidRequest('Value for x-amz-checksum-type header is invalid.');
  if (typeHeader !== undefined && !algorithm)
    throw errors.InvalidRequest(
      'The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.',
    );
  if (typeHeader === 'FULL_OBJECT' && algorithm && !fullObjectAlgorithms().includes(algorithm)) {
    throw errors.InvalidRequest(
      `The FULL_OBJECT checksum type cannot be used with the ${algorithm.toLowerCase()} checksum algorithm.`,
    );
  }
  const checksumType = typeHeader === 'FULL_OBJECT' ? ('FULL_OBJECT' as const) : ('COMPOSITE' as const);
  const upload = await deps.uploads.create({
    bucket,
    key,
    initiated: deps.now().toISOString(),
    ...(algorithm ? { checksumAlgorithm: algorithm, checksumType } : {}),
    ...objectHeaders,
    initiator,
  });
  const headers: Record<string, string> = {};
  if (algorithm) {
    headers['x-amz-checksum-algorithm'] = algorithm;
    headers['x-amz-checksum-type'] = checksumType;
  }
  sendXml(ctx, 200, 'InitiateMultipartUploadResult', { Bucket: bucket, Key: key, UploadId: upload.uploadId }, headers);
}

function requireUpload(ctx: S3Context, deps: S3Deps, bucket: string, key: string): UploadRecord {
  const uploadId = ctx.query.get('uploadId') ?? '';
  const upload = deps.uploads.get(uploadId);
  if (!upload || upload.bucket !== bucket || upload.key !== key) throw errors.NoSuchUpload({ UploadId: uploadId });
  return upload;
}

function partNumberParam(ctx: S3Context): number {
  const text = ctx.query.get('partNumber') ?? '';
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > MAX_PARTS) {
    throw errors.InvalidArgument('Part number must be an integer between 1 and 10000, inclusive', {
      ArgumentName: 'partNumber',
      ArgumentValue: text,
    });
  }
  return n;
}

export async function uploadPart(ctx: S3Context, deps: S3Deps, bucket: string, key: string): Promise<void> {
  const partNumber = partNumberParam(ctx);
  const upload = requireUpload(ctx, deps, bucket, key);
  const declared = declaredChecksum(ctx);
  if (upload.checksumAlgorithm && declared && declared.algorithm !== upload.checksumAlgorithm) {
    throw errors.InvalidRequest(
      `Checksum Type mismatch occurred, expected checksum Type: ${upload.checksumAlgorithm.toLowerCase()}, actual checksum Type: ` +
        `${declared.algorithm.toLowerCase()}`,
    );
  }
  const tempPath = deps.store.tempPath();
  const body = await ingestBody(ctx, {
    path: tempPath,
    maxSize: MAX_PART_BYTES,
    ...(upload.checksumAlgorithm ? { alsoCompute: [upload.checksumAlgorithm] } : {}),
  });
  const checksum = upload.checksumAlgorithm ? body.checksums[upload.checksumAlgorithm] : undefined;
  const stored = await deps.uploads.putPart(
    upload.uploadId,
    {
      partNumber,
      size: body.size,
      md5: body.md5Hex,
      ...(checksum ? { checksum } : {}),
      lastModified: deps.now().toISOString(),
    },
    tempPath,
  );
  if (!stored) throw errors.NoSuchUpload({ UploadId: upload.uploadId }); // aborted or completed meanwhile
  const headers: Record<string, string> = { etag: `"${body.md5Hex}"` };
  if (upload.checksumAlgorithm && checksum) headers[checksumHeader(upload.checksumAlgorithm)] = checksum;
  sendEmpty(ctx, 200, headers);
}

interface RequestedPart {
  partNumber: number;
  etag: string;
  checksums: Partial<Record<ChecksumAlgorithm, string>>;
}

function parseCompleteBody(body: Buffer): RequestedPart[] {
  const doc = parseXml(body.toString('utf8'));
  const root = doc?.['CompleteMultipartUpload'];
  if (!root || typeof root !== 'object') throw errors.MalformedXML();
  const parts = asArray((root as Record<string, unknown>)['Part']);
  if (parts.length === 0) throw errors.MalformedXML();
  return parts.map((p) => {
    if (!p || typeof p !== 'object') throw errors.MalformedXML();
    const part = p as Record<string, unknown>;
    const numberText = String(part['PartNumber'] ?? '').trim();
    const etag = part['ETag'];
    if (!/^\d+$/.test(numberText) || typeof etag !== 'string') throw errors.MalformedXML();
    const checksums: Partial<Record<ChecksumAlgorithm, string>> = {};
    for (const algorithm of ['CRC32', 'CRC32C', 'SHA1', 'SHA256', 'CRC64NVME'] as const) {
      const value = part[checksumElement(algorithm)];
      if (typeof value === 'string') checksums[algorithm] = value.trim();
    }
    return { partNumber: Number(numberText), etag: etag.trim().replace(/^"|"$/g, ''), checksums };
  });
}

export async function completeMultipartUpload(
  ctx: S3Context,
  deps: S3Deps,
  bucket: string,
  key: string,
): Promise<void> {
  const uploadId = ctx.query.get('uploadId') ?? '';
  const body = await readSmallBody(ctx, 2 * 1024 * 1024);
  const upload = deps.uploads.get(uploadId);
  if (!upload || upload.bucket !== bucket || upload.key !== key) {
    const done = deps.uploads.completed.get(uploadId);
    const current = deps.store.get(bucket, key);
    if (done && done.bucket === bucket && done.key === key && current?.etag === done.etag) {
      sendComplete(ctx, deps, bucket, key, done.etag, done.checksum);
      return;
    }
    throw errors.NoSuchUpload({ UploadId: uploadId });
  }
  const requested = parseCompleteBody(body);
  const typeHeader = ctx.header('x-amz-checksum-type')?.toUpperCase();
  if (typeHeader !== undefined && typeHeader !== (upload.checksumType ?? 'COMPOSITE')) {
    throw errors.InvalidRequest(
      `The upload was created using the ${upload.checksumType ?? 'COMPOSITE'} checksum mode. The complete request must use the same checksum mode.`,
    );
  }
  const record = await deps.uploads.lock.run(uploadId, async () => {
    if (!deps.uploads.get(uploadId)) throw errors.NoSuchUpload({ UploadId: uploadId });
    const recorded = new Map(deps.uploads.parts(uploadId).map((p) => [p.partNumber, p]));
    const chosen = validateParts(upload, requested, recorded);
    const blobs: BlobRef[] = [];
    for (const part of chosen) {
      const blob = await deps.store.adopt(deps.uploads.partPath(uploadId, part)); // a rename, not a copy
      blobs.push({ blob, size: part.size, md5: part.md5, ...(part.checksum ? { checksum: part.checksum } : {}) });
    }
    const md5s = Buffer.concat(chosen.map((p) => Buffer.from(p.md5, 'hex')));
    const etag = `"${createHash('md5').update(md5s).digest('hex')}-${chosen.length}"`;
    const algorithm = upload.checksumAlgorithm;
    const checksum = algorithm ? objectChecksum(upload, algorithm, chosen) : undefined;
    // A whole-object value sent with Complete must be the one of the assembled object.
    const claimed = algorithm ? ctx.header(checksumHeader(algorithm)) : undefined;
    if (checksum?.type === 'FULL_OBJECT' && claimed !== undefined && claimed !== checksum.value) {
      throw new S3Error('BadDigest', 400, `The ${algorithm} you specified did not match the calculated checksum.`);
    }
    const object: ObjectRecord = {
      key,
      size: chosen.reduce((sum, p) => sum + p.size, 0),
      etag,
      lastModified: deps.now().toISOString(),
      contentType: upload.contentType,
      headers: upload.headers,
      userMetadata: upload.userMetadata,
      ...(checksum ? { checksum } : {}),
      multipart: true,
      blobs,
    };
    await deps.store.put(bucket, object);
    await deps.uploads.remove(uploadId);
    deps.uploads.rememberCompleted(uploadId, { bucket, key, etag, ...(checksum ? { checksum } : {}) });
    return object;
  });
  sendComplete(ctx, deps, bucket, key, record.etag, record.checksum);
}

function objectChecksum(
  upload: UploadRecord,
  algorithm: ChecksumAlgorithm,
  parts: PartRecord[],
): NonNullable<ObjectRecord['checksum']> {
  if (upload.checksumType === 'FULL_OBJECT') {
    return {
      algorithm,
      value: combinedCrc(
        algorithm,
        parts.map((p) => ({ checksum: p.checksum ?? '', size: p.size })),
      ),
      type: 'FULL_OBJECT',
    };
  }
  return {
    algorithm,
    value: `${digestOf(algorithm, Buffer.concat(parts.map((p) => Buffer.from(p.checksum ?? '', 'base64'))))}-${parts.length}`,
    type: 'COMPOSITE',
  };
}

function validateParts(
  upload: UploadRecord,
  requested: RequestedPart[],
  recorded: Map<number, PartRecord>,
): PartRecord[] {
  let previous = 0;
  for (const want of requested) {
    if (want.partNumber <= previous) throw errors.InvalidPartOrder({ UploadId: upload.uploadId });
    previous = want.partNumber;
  }
  const chosen: PartRecord[] = [];
  for (const want of requested) {
    const part = recorded.get(want.partNumber);
    if (!part || part.md5 !== want.etag.toLowerCase()) {
      throw errors.InvalidPart({ UploadId: upload.uploadId, PartNumber: String(want.partNumber), ETag: want.etag });
    }
    const algorithm = upload.checksumAlgorithm;
    if (algorithm) {
      const sent = want.checksums[algorithm];
      // Full-object uploads may leave part checksums out of Complete; a part checksum given must still match.
      if (sent === undefined && upload.checksumType !== 'FULL_OBJECT') {
        throw errors.InvalidRequest(
          `The upload was created using a ${algorithm.toLowerCase()} checksum. The complete request must include the checksum for each part. It was missing for part ${want.partNumber} in the request.`,
        );
      }
      if (sent !== undefined && sent !== part.checksum)
        throw errors.InvalidPart({ UploadId: upload.uploadId, PartNumber: String(want.partNumber), ETag: want.etag });
    }
    chosen.push(part);
  }
  // Sizes only once every named part is known to exist, as S3 reports InvalidPart first.
  for (const [index, part] of chosen.entries()) {
    if (index < chosen.length - 1 && part.size < MIN_PART_BYTES) {
      throw errors.EntityTooSmall({
        ProposedSize: String(part.size),
        MinSizeAllowed: String(MIN_PART_BYTES),
        PartNumber: String(part.partNumber),
        ETag: `"${part.md5}"`,
      });
    }
  }
  return chosen;
}

function sendComplete(
  ctx: S3Context,
  deps: S3Deps,
  bucket: string,
  key: string,
  etag: string,
  checksum: ObjectRecord['checksum'],
): void {
  const host = ctx.header('host') ?? '127.0.0.1';
  const scheme = (ctx.req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
  const location = `${scheme}://${host}/${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
  const body: XmlNode = { Location: location, Bucket: bucket, Key: key, ETag: etag };
  const headers: Record<string, string> = {};
  if (checksum) {
    body[checksumElement(checksum.algorithm)] = checksum.value;
    body['ChecksumType'] = checksum.type;
    headers[checksumHeader(checksum.algorithm)] = checksum.value;
    headers['x-amz-checksum-type'] = checksum.type;
  }
  void deps;
  sendXml(ctx, 200, 'CompleteMultipartUploadResult', body, headers);
}

export async function abortMultipartUpload(ctx: S3Context, deps: S3Deps, bucket: string, key: string): Promise<void> {
  const upload = requireUpload(ctx, deps, bucket, key);
  await deps.uploads.lock.run(upload.uploadId, () => deps.uploads.remove(upload.uploadId));
  sendEmpty(ctx, 204);
}

export function listParts(ctx: S3Context, deps: S3Deps, bucket: string, key: string): void {
  const upload = requireUpload(ctx, deps, bucket, key);
  const maxParts = intParam(ctx, 'max-parts', 1000, 1000);
  const marker = intParam(ctx, 'part-number-marker', 0, Number.MAX_SAFE_INTEGER);
  const after = deps.uploads.parts(upload.uploadId).filter((p) => p.partNumber > marker);
  const page = after.slice(0, maxParts);
  const truncated = after.length > page.length;
  const algorithm = upload.checksumAlgorithm;
  sendXml(ctx, 200, 'ListPartsResult', {
    Bucket: bucket,
    Key: key,
    UploadId: upload.uploadId,
    PartNumberMarker: marker,
    NextPartNumberMarker: page.length > 0 ? page[page.length - 1]?.partNumber : undefined,
    MaxParts: maxParts,
    IsTruncated: truncated,
    Part: page.map((p) => ({
      PartNumber: p.partNumber,
      LastModified: p.lastModified,
      ETag: `"${p.md5}"`,
      Size: p.size,
      ...(algorithm && p.checksum ? { [checksumElement(algorithm)]: p.checksum } : {}),
    })),
    Initiator: { ID: upload.initiator, DisplayName: upload.initiator },
    Owner: { ID: deps.settings.accountId, DisplayName: 'hoist' },
    StorageClass: 'STANDARD',
    ChecksumAlgorithm: algorithm,
    ChecksumType: upload.checksumType,
  });
}

function intParam(ctx: S3Context, name: string, fallback: number, max: number): number {
  const text = ctx.query.get(name);
  if (text === undefined || text === '') return fallback;
  if (!/^\d+$/.test(text))
    throw errors.InvalidArgument(`Provided ${name} not an integer or within integer range`, {
      ArgumentName: name,
      ArgumentValue: text,
    });
  return Math.min(Number(text), max);
}

export function listMultipartUploads(ctx: S3Context, deps: S3Deps, bucket: string): void {
  const params = listParams(ctx, 'max-uploads');
  const keyMarker = ctx.query.get('key-marker') ?? '';
  const uploadIdMarker = keyMarker === '' ? '' : (ctx.query.get('upload-id-marker') ?? '');
  const listed = deps.uploads.list(bucket);
  // Uploads of one key are listed in initiation order, so "after the upload-id-marker" means after that
  // upload in this order (an unknown marker id falls back to comparing ids, as the documentation words it).
  const markerIndex =
    uploadIdMarker === '' ? -1 : listed.findIndex((u) => u.key === keyMarker && u.uploadId === uploadIdMarker);
  const all = listed.filter((u, index) => {
    const order = Buffer.compare(Buffer.from(u.key), Buffer.from(keyMarker));
    if (keyMarker === '') return true;
    if (order > 0) return true;
    if (order < 0 || uploadIdMarker === '') return false;
    return markerIndex !== -1 ? index > markerIndex : u.uploadId > uploadIdMarker;
  });
  const page = paginate(
    all.map((u) => ({ key: u.key, item: u })),
    params,
  );
  const encode = params.encode;
  const last = page.lastItem;
  sendXml(ctx, 200, 'ListMultipartUploadsResult', {
    Bucket: bucket,
    KeyMarker: encode(keyMarker),
    UploadIdMarker: uploadIdMarker,
    // Real S3 sends both on every page that lists something, truncated or not: the last key and upload id
    // (a response captured in versity/versitygw#2144).
    NextKeyMarker: last ? encode(last.key) : undefined,
    NextUploadIdMarker: last ? last.item?.uploadId : undefined,
    MaxUploads: params.maxKeys,
    IsTruncated: page.truncated,
    Upload: page.items.map((u) => ({
      Key: encode(u.key),
      UploadId: u.uploadId,
      Initiator: { ID: u.initiator, DisplayName: u.initiator },
      Owner: { ID: deps.settings.accountId, DisplayName: 'hoist' },
      StorageClass: 'STANDARD',
      Initiated: u.initiated,
      ...(u.checksumAlgorithm ? { ChecksumAlgorithm: u.checksumAlgorithm, ChecksumType: u.checksumType } : {}),
    })),
    Prefix: encode(params.prefix),
    Delimiter: params.delimiter === '' ? undefined : encode(params.delimiter),
    CommonPrefixes: page.commonPrefixes.map((p) => ({ Prefix: encode(p) })),
    EncodingType: params.encodingType,
  });
}
