// ListObjectsV2, ListObjects (v1) and ListObjectVersions (an unversioned bucket: every VersionId is "null").
import type { S3Context } from '../context.js';
import { sendXml } from '../context.js';
import type { S3Deps } from '../deps.js';
import { errors } from '../errors.js';
import type { ObjectRecord } from '../object-store.js';
import type { XmlNode } from '../xml.js';
import { listParams, paginate } from './listing-util.js';

function entries(deps: S3Deps, bucket: string): Array<{ key: string; item: ObjectRecord }> {
  const out: Array<{ key: string; item: ObjectRecord }> = [];
  for (const key of deps.store.sortedKeys(bucket)) {
    const item = deps.store.get(bucket, key);
    if (item) out.push({ key, item });
  }
  return out;
}

function contents(o: ObjectRecord, encode: (t: string) => string, deps: S3Deps, owner: boolean): XmlNode {
  return {
    Key: encode(o.key),
    LastModified: o.lastModified,
    ETag: o.etag,
    ...(o.checksum ? { ChecksumAlgorithm: o.checksum.algorithm, ChecksumType: o.checksum.type } : {}),
    Size: o.size,
    ...(owner ? { Owner: { ID: deps.settings.accountId, DisplayName: 'hoist' } } : {}),
    StorageClass: 'STANDARD',
  };
}

export function listObjectsV2(ctx: S3Context, deps: S3Deps, bucket: string): void {
  const params = listParams(ctx, 'max-keys');
  const token = ctx.query.get('continuation-token');
  let marker = ctx.query.get('start-after') ?? '';
  if (token !== undefined) {
    const decoded = Buffer.from(token, 'base64url').toString('utf8');
    if (token === '' || !decoded.startsWith('k:'))
      throw errors.InvalidArgument('The continuation token provided is incorrect', {
        ArgumentName: 'continuation-token',
      });
    marker = decoded.slice(2);
  }
  const page = paginate(entries(deps, bucket), params, marker);
  const encode = params.encode;
  const fetchOwner = ctx.query.get('fetch-owner') === 'true';
  sendXml(ctx, 200, 'ListBucketResult', {
    Name: bucket,
    Prefix: encode(params.prefix),
    ...(ctx.query.has('start-after') ? { StartAfter: encode(ctx.query.get('start-after') ?? '') } : {}),
    ...(token !== undefined ? { ContinuationToken: token } : {}),
    KeyCount: page.items.length + page.commonPrefixes.length,
    MaxKeys: params.maxKeys,
    Delimiter: params.delimiter === '' ? undefined : encode(params.delimiter),
    IsTruncated: page.truncated,
    ...(page.truncated && page.lastKey !== undefined
      ? { NextContinuationToken: Buffer.from(`k:${page.lastKey}`).toString('base64url') }
      : {}),
    Contents: page.items.map((o) => contents(o, encode, deps, fetchOwner)),
    CommonPrefixes: page.commonPrefixes.map((p) => ({ Prefix: encode(p) })),
    EncodingType: params.encodingType,
  });
}

export function listObjectsV1(ctx: S3Context, deps: S3Deps, bucket: string): void {
  const params = listParams(ctx, 'max-keys');
  const marker = ctx.query.get('marker') ?? '';
  const page = paginate(entries(deps, bucket), params, marker);
  const encode = params.encode;
  sendXml(ctx, 200, 'ListBucketResult', {
    Name: bucket,
    Prefix: encode(params.prefix),
    Marker: encode(marker),
    // S3 returns NextMarker only when a delimiter is given (clients use the last key otherwise).
    ...(page.truncated && params.delimiter !== '' && page.lastKey !== undefined
      ? { NextMarker: encode(page.lastKey) }
      : {}),
    MaxKeys: params.maxKeys,
    Delimiter: params.delimiter === '' ? undefined : encode(params.delimiter),
    IsTruncated: page.truncated,
    Contents: page.items.map((o) => contents(o, encode, deps, true)),
    CommonPrefixes: page.commonPrefixes.map((p) => ({ Prefix: encode(p) })),
    EncodingType: params.encodingType,
  });
}

export function listObjectVersions(ctx: S3Context, deps: S3Deps, bucket: string): void {
  const params = listParams(ctx, 'max-keys');
  const keyMarker = ctx.query.get('key-marker') ?? '';
  const page = paginate(entries(deps, bucket), params, keyMarker);
  const encode = params.encode;
  sendXml(ctx, 200, 'ListVersionsResult', {
    Name: bucket,
    Prefix: encode(params.prefix),
    KeyMarker: encode(keyMarker),
    VersionIdMarker: ctx.query.get('version-id-marker') ?? '',
    ...(page.truncated && page.lastKey !== undefined
      ? { NextKeyMarker: encode(page.lastKey), NextVersionIdMarker: 'null' }
      : {}),
    MaxKeys: params.maxKeys,
    Delimiter: params.delimiter === '' ? undefined : encode(params.delimiter),
    IsTruncated: page.truncated,
    Version: page.items.map((o) => ({
      Key: encode(o.key),
      VersionId: 'null',
      IsLatest: true,
      LastModified: o.lastModified,
      ETag: o.etag,
      Size: o.size,
      Owner: { ID: deps.settings.accountId, DisplayName: 'hoist' },
      StorageClass: 'STANDARD',
    })),
    CommonPrefixes: page.commonPrefixes.map((p) => ({ Prefix: encode(p) })),
    EncodingType: params.encodingType,
  });
}
