// The headers S3 stores with an object and returns on GET/HEAD: content headers, user metadata, ETag,
// Last-Modified and (with x-amz-checksum-mode: ENABLED) the checksum.
import { checksumHeader } from './checksums.js';
import type { S3Context } from './context.js';
import { S3Error } from './errors.js';
import type { ObjectRecord } from './object-store.js';

const STORED_HEADERS = ['content-disposition', 'content-language', 'cache-control', 'expires'] as const;
const MAX_METADATA_BYTES = 2048;

export interface RequestObjectHeaders {
  contentType: string;
  headers: Record<string, string>;
  userMetadata: Record<string, string>;
}

/** Content headers and x-amz-meta-* of a PutObject / CreateMultipartUpload request. */
export function objectHeadersFrom(ctx: S3Context): RequestObjectHeaders {
  const acl = ctx.header('x-amz-acl');
  if (acl !== undefined && acl !== 'private' && acl !== 'bucket-owner-full-control') {
    // Buckets here are "bucket owner enforced" (ACLs disabled), as new AWS buckets are by default.
    throw new S3Error('AccessControlListNotSupported', 400, 'The bucket does not allow ACLs');
  }
  const headers: Record<string, string> = {};
  for (const name of STORED_HEADERS) {
    const value = ctx.header(name);
    if (value !== undefined) headers[name] = value;
  }
  // aws-chunked is transfer framing, not part of the object's content-encoding.
  const encoding = ctx
    .header('content-encoding')
    ?.split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '' && s.toLowerCase() !== 'aws-chunked')
    .join(',');
  if (encoding) headers['content-encoding'] = encoding;
  const userMetadata: Record<string, string> = {};
  let metadataBytes = 0;
  for (const [name, value] of Object.entries(ctx.req.headers)) {
    if (!name.startsWith('x-amz-meta-') || value === undefined) continue;
    const text = Array.isArray(value) ? value.join(',') : value;
    const shortName = name.slice('x-amz-meta-'.length);
    userMetadata[shortName] = text;
    metadataBytes += Buffer.byteLength(shortName) + Buffer.byteLength(text);
  }
  if (metadataBytes > MAX_METADATA_BYTES) {
    throw new S3Error('MetadataTooLarge', 400, 'Your metadata headers exceed the maximum allowed metadata size.');
  }
  return { contentType: ctx.header('content-type') ?? 'application/octet-stream', headers, userMetadata };
}

/** Response headers describing a stored object (GET/HEAD); the checksum only for a whole-object answer. */
export function responseObjectHeaders(
  ctx: S3Context,
  record: ObjectRecord,
  wholeObject: boolean,
): Record<string, string> {
  const out: Record<string, string> = {
    'content-type': record.contentType,
    etag: record.etag,
    'last-modified': new Date(record.lastModified).toUTCString(),
    'accept-ranges': 'bytes',
    ...record.headers,
  };
  for (const [name, value] of Object.entries(record.userMetadata)) out[`x-amz-meta-${name}`] = value;
  if (wholeObject && record.checksum && ctx.header('x-amz-checksum-mode')?.toUpperCase() === 'ENABLED') {
    out[checksumHeader(record.checksum.algorithm)] = record.checksum.value;
    out['x-amz-checksum-type'] = record.checksum.type;
  }
  return out;
}
