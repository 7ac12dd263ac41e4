// Issue 10, the rest of the surface through the SDK v3 (and hand-signed requests where the SDK will not
// send what is tested): NoSuchBucket everywhere, DeleteObjects' required digest, encoding-type=url,
// conditionals on HEAD and PUT, Range edge cases, metadata, ACLs, ListParts / ListMultipartUploads paging,
// ?partNumber ranges, anonymous requests, presigned URLs, Expect, and error headers on HEAD.
import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { crc32 } from 'node:zlib';
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketLocationCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectVersionsCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../../server/local-cloud/index.js';
import { MiB, errorOf, useCloud } from './helpers.js';
import { codeOf, httpFor, send, signer, type RawResponse } from './raw.js';

let cloud: LocalCloud;
let admin: S3Client;
let bucket: string;
useCloud((started) => ({ cloud, admin, bucket } = started));

const signed = async (
  method: string,
  path: string,
  headers: Record<string, string> = {},
  query: Record<string, string> = {},
  body?: Buffer,
): Promise<RawResponse> =>
  send(cloud, await signer(cloud, cloud.adminCredentials).sign(httpFor(cloud, method, path, headers, query)), body);

function expectS3Headers(res: RawResponse): void {
  expect(res.headers['x-amz-request-id']).toMatch(/^[0-9A-F]{16}$/);
  expect(res.headers['x-amz-id-2']).toBeTruthy();
}

describe('NoSuchBucket', () => {
  it('answers every operation on a missing bucket with NoSuchBucket (HEAD: 404 without a body)', async () => {
    const Bucket = 'no-such-bucket-here';
    // Each call is made when its turn comes: a rejection created early and awaited later is unhandled meanwhile.
    const calls: Array<[string, () => Promise<unknown>]> = [
      ['GetObject', () => admin.send(new GetObjectCommand({ Bucket, Key: 'k' }))],
      ['PutObject', () => admin.send(new PutObjectCommand({ Bucket, Key: 'k', Body: 'x' }))],
      ['DeleteObject', () => admin.send(new DeleteObjectCommand({ Bucket, Key: 'k' }))],
      ['DeleteObjects', () => admin.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects: [{ Key: 'k' }] } }))],
      ['ListObjects', () => admin.send(new ListObjectsCommand({ Bucket }))],
      ['ListObjectsV2', () => admin.send(new ListObjectsV2Command({ Bucket }))],
      ['ListObjectVersions', () => admin.send(new ListObjectVersionsCommand({ Bucket }))],
      ['CreateMultipartUpload', () => admin.send(new CreateMultipartUploadCommand({ Bucket, Key: 'k' }))],
      [
        'UploadPart',
        () => admin.send(new UploadPartCommand({ Bucket, Key: 'k', UploadId: 'u', PartNumber: 1, Body: 'x' })),
      ],
      ['ListParts', () => admin.send(new ListPartsCommand({ Bucket, Key: 'k', UploadId: 'u' }))],
      ['ListMultipartUploads', () => admin.send(new ListMultipartUploadsCommand({ Bucket }))],
      ['DeleteBucket', () => admin.send(new DeleteBucketCommand({ Bucket }))],
      ['GetBucketLocation', () => admin.send(new GetBucketLocationCommand({ Bucket }))],
    ];
    for (const [operation, call] of calls)
      expect([operation, await errorOf(call())]).toMatchObject([operation, { name: 'NoSuchBucket', status: 404 }]);
    expect(await errorOf(admin.send(new HeadBucketCommand({ Bucket })))).toMatchObject({
      name: 'NotFound',
      status: 404,
    });
    expect(await errorOf(admin.send(new HeadObjectCommand({ Bucket, Key: 'k' })))).toMatchObject({
      name: 'NotFound',
      status: 404,
    });
    const raw = await signed('GET', `/${Bucket}/k`);
    expect([raw.status, codeOf(raw.body)]).toEqual([404, 'NoSuchBucket']);
    expect(raw.body).toContain(`<BucketName>${Bucket}</BucketName>`);
  });
});

describe('DeleteObjects', () => {
  const xml = Buffer.from('<Delete><Object><Key>dm/a</Key></Object></Delete>');

  it('requires Content-MD5 or an x-amz-checksum, and checks it', async () => {
    await admin.send(new PutObjectCommand({ Bucket: bucket, Key: 'dm/a', Body: 'a' }));
    const bare = await signed(
      'POST',
      `/${bucket}`,
      { 'content-length': String(xml.length), 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
      { delete: '' },
      xml,
    );
    expect([bare.status, codeOf(bare.body)]).toEqual([400, 'InvalidRequest']);
    expect(bare.body).toContain('Content-MD5');
    const wrong = await signed(
      'POST',
      `/${bucket}`,
      {
        'content-length': String(xml.length),
        'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
        'content-md5': createHash('md5').update('x').digest('base64'),
      },
      { delete: '' },
      xml,
    );
    expect([wrong.status, codeOf(wrong.body)]).toEqual([400, 'BadDigest']);
    const ok = await signed(
      'POST',
      `/${bucket}`,
      {
        'content-length': String(xml.length),
        'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
        'content-md5': createHash('md5').update(xml).digest('base64'),
      },
      { delete: '' },
      xml,
    );
    expect(ok.status).toBe(200);
    expect(ok.body).toContain('<Deleted><Key>dm/a</Key></Deleted>');
    expect(await errorOf(admin.send(new HeadObjectCommand({ Bucket: bucket, Key: 'dm/a' })))).toMatchObject({
      status: 404,
    });
  });

  it('deletes what ListObjectVersions lists, by VersionId "null"', async () => {
    for (const Key of ['ver/1', 'ver/2']) await admin.send(new PutObjectCommand({ Bucket: bucket, Key, Body: Key }));
    const versions = await admin.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: 'ver/' }));
    expect(versions.Versions?.map((v) => [v.Key, v.VersionId])).toEqual([
      ['ver/1', 'null'],
      ['ver/2', 'null'],
    ]);
    const res = await admin.send(
      new DeleteObjectsCommand({
        Bucket: bucket,
        Delete: { Objects: (versions.Versions ?? []).map((v) => ({ Key: v.Key, VersionId: v.VersionId })) },
      }),
    );
    expect(res.Deleted?.map((d) => [d.Key, d.VersionId])).toEqual([
      ['ver/1', 'null'],
      ['ver/2', 'null'],
    ]);
    const bad = await admin.send(
      new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: 'ver/1', VersionId: 'v123' }] } }),
    );
    expect(bad.Errors?.[0]).toMatchObject({ Key: 'ver/1', Code: 'InvalidArgument' });
    expect((await admin.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'ver/' }))).KeyCount).toBe(0);
  });
});

describe('listing with encoding-type=url', () => {
  it('URL-encodes keys, prefixes and common prefixes (v1 and v2)', async () => {
    await admin.send(new PutObjectCommand({ Bucket: bucket, Key: 'enc/a b+c', Body: 'x' }));
    await admin.send(new PutObjectCommand({ Bucket: bucket, Key: 'enc/dir ü/x', Body: 'x' }));
    const v2 = await admin.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: 'enc/', Delimiter: '/', EncodingType: 'url' }),
    );
    expect(v2.EncodingType).toBe('url');
    expect(v2.Contents?.map((c) => c.Key)).toEqual(['enc/a%20b%2Bc']);
    expect(v2.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['enc/dir%20%C3%BC/']);
    const v1 = await admin.send(new ListObjectsCommand({ Bucket: bucket, Prefix: 'enc/', EncodingType: 'url' }));
    expect(v1.Contents?.map((c) => c.Key)).toEqual(['enc/a%20b%2Bc', 'enc/dir%20%C3%BC/x']);
    const after = await admin.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: 'enc/', StartAfter: 'enc/a b+c' }),
    );
    expect(after.Contents?.map((c) => c.Key)).toEqual(['enc/dir ü/x']);
    expect(
      (await signed('GET', `/${bucket}`, { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' }, { 'encoding-type': 'base64' }))
        .status,
    ).toBe(400);
  });
});

describe('conditional requests', () => {
  let etag: string;
  beforeAll(async () => {
    etag =
      (await admin.send(new PutObjectCommand({ Bucket: bucket, Key: 'cond/obj', Body: 'conditional' }))).ETag ?? '';
  });

  it('answers HEAD with 304 and 412 like GET', async () => {
    const head = (extra: Record<string, unknown>) =>
      admin.send(new HeadObjectCommand({ Bucket: bucket, Key: 'cond/obj', ...extra }));
    expect((await head({ IfMatch: etag })).ETag).toBe(etag);
    expect((await errorOf(head({ IfNoneMatch: etag }))).status).toBe(304);
    expect((await errorOf(head({ IfNoneMatch: '*' }))).status).toBe(304);
    expect((await errorOf(head({ IfMatch: '"0000"' }))).status).toBe(412);
    expect((await errorOf(head({ IfModifiedSince: new Date(Date.now() + 3600_000) }))).status).toBe(304);
    expect((await head({ IfModifiedSince: new Date(Date.now() - 3600_000) })).ETag).toBe(etag);
    expect((await errorOf(head({ IfUnmodifiedSince: new Date(Date.now() - 3600_000) }))).status).toBe(412);
    // If-Match true wins over a failing If-Unmodified-Since; If-None-Match false lets a true If-Modified-Since through (RFC 7232)
    expect((await head({ IfMatch: etag, IfUnmodifiedSince: new Date(Date.now() - 3600_000) })).ETag).toBe(etag);
    expect((await head({ IfNoneMatch: '"other"', IfModifiedSince: new Date(Date.now() + 3600_000) })).ETag).toBe(etag);
    const raw = await signed('HEAD', `/${bucket}/cond/obj`, {
      'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
      'if-none-match': etag,
    });
    expect(raw.status).toBe(304);
    expect(raw.headers.etag).toBe(etag);
    expectS3Headers(raw);
  });

  it('refuses conditional writes that do not hold with 412', async () => {
    expect(
      await errorOf(admin.send(new PutObjectCommand({ Bucket: bucket, Key: 'cond/obj', Body: 'x', IfNoneMatch: '*' }))),
    ).toMatchObject({ name: 'PreconditionFailed', status: 412 });
    await admin.send(new PutObjectCommand({ Bucket: bucket, Key: 'cond/new', Body: 'x', IfNoneMatch: '*' }));
    expect(
      await errorOf(
        admin.send(new PutObjectCommand({ Bucket: bucket, Key: 'cond/obj', Body: 'x', IfMatch: '"0000"' })),
      ),
    ).toMatchObject({ name: 'PreconditionFailed', status: 412 });
    expect(
      await errorOf(
        admin.send(new PutObjectCommand({ Bucket: bucket, Key: 'cond/missing', Body: 'x', IfMatch: etag })),
      ),
    ).toMatchObject({ name: 'NoSuchKey', status: 404 });
    const replaced = await admin.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'cond/obj', Body: 'replaced', IfMatch: etag }),
    );
    expect(replaced.ETag).not.toBe(etag);
  });
});

describe('unsigned payloads', () => {
  // What the SDK sends for a stream body without trailers, and Hoist for small files: the payload is not
  // signed, the CRC32 header is what protects the bytes.
  it('accepts a small PutObject with UNSIGNED-PAYLOAD and x-amz-checksum-crc32, and still checks the CRC32', async () => {
    const data = Buffer.from('small body, checked by its CRC32 alone');
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(data) >>> 0);
    const put = (key: string, checksum: string): Promise<RawResponse> =>
      signed(
        'PUT',
        `/${bucket}/${key}`,
        {
          'content-length': String(data.length),
          'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
          'x-amz-checksum-crc32': checksum,
        },
        {},
        data,
      );
    const ok = await put('unsigned/ok', crc.toString('base64'));
    expect(ok.status).toBe(200);
    expect(ok.headers.etag).toBe(`"${createHash('md5').update(data).digest('hex')}"`);
    expect(ok.headers['x-amz-checksum-crc32']).toBe(crc.toString('base64'));
    const stored = await admin.send(new GetObjectCommand({ Bucket: bucket, Key: 'unsigned/ok' }));
    expect(Buffer.from((await stored.Body?.transformToByteArray()) ?? []).equals(data)).toBe(true);

    const wrong = Buffer.from(crc);
    wrong[0] = (wrong[0] ?? 0) ^ 0xff;
    const refused = await put('unsigned/bad', wrong.toString('base64'));
    expect([refused.status, codeOf(refused.body)]).toEqual([400, 'BadDigest']);
    expect(await errorOf(admin.send(new HeadObjectCommand({ Bucket: bucket, Key: 'unsigned/bad' })))).toMatchObject({
      status: 404,
    });
  });
});

describe('ranges, metadata, ACLs', () => {
  it('answers an unsatisfiable range with 416 InvalidRange and Content-Range bytes */size', async () => {
    await admin.send(new PutObjectCommand({ Bucket: bucket, Key: 'rng', Body: '0123456789' }));
    const res = await signed('GET', `/${bucket}/rng`, {
      'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
      range: 'bytes=10-20',
    });
    expect([res.status, codeOf(res.body), res.headers['content-range']]).toEqual([416, 'InvalidRange', 'bytes */10']);
    expect(res.body).toContain('<ActualObjectSize>10</ActualObjectSize>');
    expectS3Headers(res);
    const suffix = await admin.send(new GetObjectCommand({ Bucket: bucket, Key: 'rng', Range: 'bytes=-100' }));
    expect([await suffix.Body?.transformToString(), suffix.ContentRange]).toEqual(['0123456789', 'bytes 0-9/10']);
    const open = await admin.send(new GetObjectCommand({ Bucket: bucket, Key: 'rng', Range: 'bytes=9-' }));
    expect([await open.Body?.transformToString(), open.ContentRange]).toEqual(['9', 'bytes 9-9/10']);
    const multi = await admin.send(new GetObjectCommand({ Bucket: bucket, Key: 'rng', Range: 'bytes=0-1,4-5' }));
    expect([await multi.Body?.transformToString(), multi.$metadata.httpStatusCode]).toEqual(['0123456789', 200]); // S3 ignores multi-range
    expect(
      await errorOf(admin.send(new GetObjectCommand({ Bucket: bucket, Key: 'rng', Range: 'bytes=-0' }))),
    ).toMatchObject({ name: 'InvalidRange', status: 416 });
  });

  it('round-trips user metadata and content headers (single PUT and multipart)', async () => {
    const meta = { 'camel-case': 'Value With Spaces', n: '1' };
    await admin.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: 'meta/single',
        Body: 'x',
        Metadata: meta,
        ContentType: 'text/x-test',
        CacheControl: 'no-cache',
        ContentDisposition: 'attachment',
      }),
    );
    expect(await admin.send(new HeadObjectCommand({ Bucket: bucket, Key: 'meta/single' }))).toMatchObject({
      Metadata: meta,
      ContentType: 'text/x-test',
      CacheControl: 'no-cache',
      ContentDisposition: 'attachment',
    });
    const { UploadId } = await admin.send(
      new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'meta/mp', Metadata: meta, ContentType: 'text/x-mp' }),
    );
    const p = await admin.send(
      new UploadPartCommand({ Bucket: bucket, Key: 'meta/mp', UploadId, PartNumber: 1, Body: 'y' }),
    );
    await admin.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: 'meta/mp',
        UploadId,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: p.ETag, ChecksumCRC32: p.ChecksumCRC32 }] },
      }),
    );
    const got = await admin.send(new GetObjectCommand({ Bucket: bucket, Key: 'meta/mp' }));
    await got.Body?.transformToString();
    expect(got).toMatchObject({ Metadata: meta, ContentType: 'text/x-mp' });
    expect(
      await errorOf(
        admin.send(
          new PutObjectCommand({ Bucket: bucket, Key: 'meta/big', Body: 'x', Metadata: { big: 'v'.repeat(2100) } }),
        ),
      ),
    ).toMatchObject({ name: 'MetadataTooLarge', status: 400 });
  });

  it('accepts x-amz-acl: private and refuses other canned ACLs clearly', async () => {
    await admin.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'acl/mp', ACL: 'private' }));
    expect(
      await errorOf(
        admin.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'acl/mp', ACL: 'public-read-write' })),
      ),
    ).toMatchObject({ name: 'AccessControlListNotSupported', status: 400, message: 'The bucket does not allow ACLs' });
    await admin.send(new CreateBucketCommand({ Bucket: 'acl-bucket', ACL: 'private' }));
    expect(
      await errorOf(admin.send(new CreateBucketCommand({ Bucket: 'acl-bucket-2', ACL: 'public-read' }))),
    ).toMatchObject({ status: 400 });
    await admin.send(new DeleteBucketCommand({ Bucket: 'acl-bucket' }));
  });
});

describe('multipart paging and ?partNumber', () => {
  it('paginates ListParts with max-parts and part-number-marker', async () => {
    const { UploadId } = await admin.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'page/parts' }));
    for (const PartNumber of [1, 2, 3, 5])
      await admin.send(
        new UploadPartCommand({ Bucket: bucket, Key: 'page/parts', UploadId, PartNumber, Body: `p${PartNumber}` }),
      );
    const first = await admin.send(new ListPartsCommand({ Bucket: bucket, Key: 'page/parts', UploadId, MaxParts: 2 }));
    expect([
      first.Parts?.map((p) => p.PartNumber),
      first.IsTruncated,
      first.NextPartNumberMarker,
      first.MaxParts,
    ]).toEqual([[1, 2], true, '2', 2]);
    const second = await admin.send(
      new ListPartsCommand({
        Bucket: bucket,
        Key: 'page/parts',
        UploadId,
        MaxParts: 2,
        PartNumberMarker: first.NextPartNumberMarker,
      }),
    );
    expect([second.Parts?.map((p) => p.PartNumber), second.IsTruncated, second.PartNumberMarker]).toEqual([
      [3, 5],
      false,
      '2',
    ]);
    const none = await admin.send(
      new ListPartsCommand({ Bucket: bucket, Key: 'page/parts', UploadId, PartNumberMarker: '5' }),
    );
    expect([none.Parts ?? [], none.IsTruncated]).toEqual([[], false]);
  });

  it('paginates ListMultipartUploads with max-uploads, key-marker and upload-id-marker', async () => {
    const ids: string[] = [];
    for (const Key of ['mpu/a', 'mpu/a', 'mpu/b', 'mpu/c/1'])
      ids.push((await admin.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key }))).UploadId ?? '');
    const all = await admin.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: 'mpu/' }));
    const order = (all.Uploads ?? []).map((u) => [u.Key, u.UploadId]);
    expect(order.map(([k]) => k)).toEqual(['mpu/a', 'mpu/a', 'mpu/b', 'mpu/c/1']);
    expect(new Set(order.map(([, id]) => id))).toEqual(new Set(ids));
    // A page that is not truncated still names its last upload, as S3 does.
    expect([all.IsTruncated, all.NextKeyMarker, all.NextUploadIdMarker]).toEqual([false, 'mpu/c/1', order.at(-1)?.[1]]);
    const seen: Array<Array<string | undefined>> = [];
    let keyMarker: string | undefined;
    let idMarker: string | undefined;
    for (let page = 0; page < 10; page++) {
      const res = await admin.send(
        new ListMultipartUploadsCommand({
          Bucket: bucket,
          Prefix: 'mpu/',
          MaxUploads: 1,
          KeyMarker: keyMarker,
          UploadIdMarker: idMarker,
        }),
      );
      seen.push(...(res.Uploads ?? []).map((u) => [u.Key, u.UploadId]));
      expect(res.MaxUploads).toBe(1);
      if (!res.IsTruncated) break;
      expect(res.NextKeyMarker).toBe(res.Uploads?.[0]?.Key);
      expect(res.NextUploadIdMarker).toBe(res.Uploads?.[0]?.UploadId);
      keyMarker = res.NextKeyMarker;
      idMarker = res.NextUploadIdMarker;
    }
    expect(seen).toEqual(order);
    const grouped = await admin.send(
      new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: 'mpu/', Delimiter: '/' }),
    );
    expect(grouped.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['mpu/c/']);
    // key-marker alone: only uploads of later keys
    const later = await admin.send(
      new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: 'mpu/', KeyMarker: 'mpu/a' }),
    );
    expect(later.Uploads?.map((u) => u.Key)).toEqual(['mpu/b', 'mpu/c/1']);
  });

  it('serves ?partNumber=N with Content-Range and x-amz-mp-parts-count', async () => {
    const Key = 'page/pn.bin';
    const { UploadId } = await admin.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key }));
    const p1 = await admin.send(
      new UploadPartCommand({ Bucket: bucket, Key, UploadId, PartNumber: 1, Body: Buffer.alloc(5 * MiB, 7) }),
    );
    const p2 = await admin.send(
      new UploadPartCommand({ Bucket: bucket, Key, UploadId, PartNumber: 2, Body: 'second' }),
    );
    await admin.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key,
        UploadId,
        MultipartUpload: {
          Parts: [
            { PartNumber: 1, ETag: p1.ETag, ChecksumCRC32: p1.ChecksumCRC32 },
            { PartNumber: 2, ETag: p2.ETag, ChecksumCRC32: p2.ChecksumCRC32 },
          ],
        },
      }),
    );
    const size = 5 * MiB + 6;
    const head = await admin.send(new HeadObjectCommand({ Bucket: bucket, Key, PartNumber: 1 }));
    expect([head.ContentLength, head.ContentRange, head.PartsCount, head.$metadata.httpStatusCode]).toEqual([
      5 * MiB,
      `bytes 0-${5 * MiB - 1}/${size}`,
      2,
      206,
    ]);
    const get = await admin.send(new GetObjectCommand({ Bucket: bucket, Key, PartNumber: 2 }));
    expect([await get.Body?.transformToString(), get.ContentRange, get.PartsCount]).toEqual([
      'second',
      `bytes ${5 * MiB}-${size - 1}/${size}`,
      2,
    ]);
    expect(await errorOf(admin.send(new GetObjectCommand({ Bucket: bucket, Key, PartNumber: 3 })))).toMatchObject({
      name: 'InvalidPartNumber',
      status: 416,
    });
  });
});

describe('authentication on the wire', () => {
  it('refuses anonymous requests with AccessDenied (HEAD: headers, no body)', async () => {
    for (const [method, path] of [
      ['GET', '/'],
      ['GET', `/${bucket}`],
      ['PUT', `/${bucket}/anon`],
      ['DELETE', `/${bucket}/anon`],
    ] as const) {
      const res = await send(
        cloud,
        httpFor(cloud, method, path, method === 'PUT' ? { 'content-length': '1' } : {}),
        method === 'PUT' ? Buffer.from('x') : undefined,
      );
      expect([method, path, res.status, codeOf(res.body)]).toEqual([method, path, 403, 'AccessDenied']);
      expectS3Headers(res);
    }
    const head = await send(cloud, httpFor(cloud, 'HEAD', `/${bucket}/anon`, {}));
    expect([head.status, head.body]).toEqual([403, '']);
    expectS3Headers(head);
  });

  it('answers HEAD errors with the request id headers and no body', async () => {
    const res = await signed('HEAD', `/${bucket}/never-there`, { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' });
    expect([res.status, res.body]).toEqual([404, '']);
    expectS3Headers(res);
  });

  it('honours presigned URLs: expiry, the 7-day maximum and the signed headers', async () => {
    await admin.send(new PutObjectCommand({ Bucket: bucket, Key: 'pre/get.txt', Body: 'presigned body' }));
    // as @aws-sdk/s3-request-presigner does: UNSIGNED-PAYLOAD, hoisted into the query
    const presign = async (
      method: string,
      key: string,
      expiresIn: number,
      headers: Record<string, string> = {},
      signingDate = new Date(),
    ) =>
      signer(cloud, cloud.adminCredentials).presign(
        httpFor(cloud, method, `/${bucket}/${key}`, { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', ...headers }),
        { expiresIn, signingDate },
      );
    const get = await send(cloud, await presign('GET', 'pre/get.txt', 60));
    expect([get.status, get.body]).toEqual([200, 'presigned body']);
    const tooLong = await presign('GET', 'pre/get.txt', 60);
    tooLong.query = { ...tooLong.query, 'X-Amz-Expires': '604801' };
    const longRes = await send(cloud, tooLong);
    expect([longRes.status, codeOf(longRes.body)]).toEqual([400, 'AuthorizationQueryParametersError']);
    const expired = await send(cloud, await presign('GET', 'pre/get.txt', 60, {}, new Date(Date.now() - 3600_000)));
    expect([expired.status, codeOf(expired.body)]).toEqual([403, 'AccessDenied']);
    expect(expired.body).toContain('<Message>Request has expired</Message>');
    // content-type is signed (not hoisted into the query): sending another one breaks the signature
    const put = await presign('PUT', 'pre/put.txt', 60, { 'content-type': 'text/plain' });
    const wrongType = await send(
      cloud,
      { ...put, headers: { ...put.headers, 'content-type': 'text/html', 'content-length': '4' } },
      Buffer.from('body'),
    );
    expect([wrongType.status, codeOf(wrongType.body)]).toEqual([403, 'SignatureDoesNotMatch']);
    const rightType = await send(
      cloud,
      { ...put, headers: { ...put.headers, 'content-length': '4' } },
      Buffer.from('body'),
    );
    expect(rightType.status).toBe(200);
    expect((await admin.send(new HeadObjectCommand({ Bucket: bucket, Key: 'pre/put.txt' }))).ContentType).toBe(
      'text/plain',
    );
  });
});

describe('Expect', () => {
  /** A signed PUT sent with an Expect header; the body only goes out after a 100 (or never). */
  async function expectPut(expectValue: string, key: string): Promise<RawResponse & { continued: boolean }> {
    const data = Buffer.from('expect body');
    const req = await signer(cloud, cloud.adminCredentials).sign(
      httpFor(cloud, 'PUT', `/${bucket}/${key}`, {
        'content-length': String(data.length),
        'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
      }),
    );
    const url = new URL(cloud.s3Endpoint);
    return new Promise((resolve, reject) => {
      let continued = false;
      const r = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          method: 'PUT',
          path: req.path,
          headers: { ...req.headers, expect: expectValue },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks).toString('utf8'),
              continued,
            }),
          );
        },
      );
      r.on('continue', () => {
        continued = true;
        r.end(data);
      });
      r.on('error', reject);
      r.flushHeaders();
    });
  }

  it('answers 100-continue with 100, then stores the body', async () => {
    const res = await expectPut('100-continue', 'expect/ok');
    expect([res.continued, res.status]).toEqual([true, 200]);
  });

  it("refuses any other expectation with 417 and S3's XML error, never reading the body", async () => {
    const res = await expectPut('200-ok', 'expect/refused');
    expect([res.continued, res.status, codeOf(res.body)]).toEqual([false, 417, 'ExpectationFailed']);
    expectS3Headers(res);
    expect(res.headers.connection).toBe('close');
    expect(await errorOf(admin.send(new HeadObjectCommand({ Bucket: bucket, Key: 'expect/refused' })))).toMatchObject({
      status: 404,
    });
  });
});
