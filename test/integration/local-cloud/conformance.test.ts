// Issue 10's S3 surface through the SDK with admin credentials: bucket administration, DeleteObjects,
// ListObjects v1, ListObjectVersions, conditional requests, repeated Complete, ?partNumber.
import { createHash } from 'node:crypto';
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  GetBucketLocationCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectVersionsCommand,
  ListObjectsCommand,
  PutObjectCommand,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../../server/local-cloud/index.js';
import { client, errorOf, identityCreds, newIdentityId, startCloud, tempDir } from './helpers.js';

const dir = tempDir();
let cloud: LocalCloud;
let admin: S3Client;

beforeAll(async () => {
  cloud = await startCloud(dir.path);
  admin = client(cloud, cloud.adminCredentials);
});
afterAll(async () => {
  await cloud.close();
  dir.remove();
});

describe('buckets', () => {
  it('creates (idempotently in us-east-1), heads, lists, locates and deletes a bucket', async () => {
    await admin.send(new CreateBucketCommand({ Bucket: 'extra-bucket' }));
    await admin.send(new CreateBucketCommand({ Bucket: 'extra-bucket' }));
    await admin.send(new HeadBucketCommand({ Bucket: 'extra-bucket' }));
    const list = await admin.send(new ListBucketsCommand({}));
    expect(list.Buckets?.map((b) => b.Name)).toEqual(expect.arrayContaining(['extra-bucket', cloud.bucket]));
    const location = await admin.send(new GetBucketLocationCommand({ Bucket: 'extra-bucket' }));
    expect(location.LocationConstraint ?? '').toBe('');
    await admin.send(new PutObjectCommand({ Bucket: 'extra-bucket', Key: 'k', Body: 'x' }));
    expect(await errorOf(admin.send(new DeleteBucketCommand({ Bucket: 'extra-bucket' })))).toMatchObject({
      name: 'BucketNotEmpty',
      status: 409,
    });
    await admin.send(new DeleteObjectsCommand({ Bucket: 'extra-bucket', Delete: { Objects: [{ Key: 'k' }] } }));
    await admin.send(new DeleteBucketCommand({ Bucket: 'extra-bucket' }));
    expect(await errorOf(admin.send(new HeadBucketCommand({ Bucket: 'extra-bucket' })))).toMatchObject({ status: 404 });
    expect(
      await errorOf(admin.send(new PutObjectCommand({ Bucket: 'extra-bucket', Key: 'k', Body: 'x' }))),
    ).toMatchObject({ name: 'NoSuchBucket' });
  });

  it('refuses invalid bucket names', async () => {
    for (const name of ['ab', 'Upper-Case', 'under_score', '192.168.1.1', 'a..b', '-start']) {
      expect(await errorOf(admin.send(new CreateBucketCommand({ Bucket: name })))).toMatchObject({
        name: 'InvalidBucketName',
        status: 400,
      });
    }
  });

  it('refuses bucket administration to identity credentials', async () => {
    const user = client(cloud, identityCreds(cloud, newIdentityId()));
    expect(await errorOf(user.send(new CreateBucketCommand({ Bucket: 'user-bucket' })))).toMatchObject({
      name: 'AccessDenied',
    });
    expect(await errorOf(user.send(new ListBucketsCommand({})))).toMatchObject({ name: 'AccessDenied' });
  });
});

describe('objects', () => {
  beforeAll(async () => {
    for (const key of ['v1/a', 'v1/b/1', 'v1/b/2', 'v1/c', 'v1/d'])
      await admin.send(new PutObjectCommand({ Bucket: cloud.bucket, Key: key, Body: key }));
  });

  it('lists with ListObjects v1: markers, delimiter, NextMarker', async () => {
    const first = await admin.send(new ListObjectsCommand({ Bucket: cloud.bucket, Prefix: 'v1/', MaxKeys: 2 }));
    expect(first.Contents?.map((c) => c.Key)).toEqual(['v1/a', 'v1/b/1']);
    expect(first.IsTruncated).toBe(true);
    const second = await admin.send(new ListObjectsCommand({ Bucket: cloud.bucket, Prefix: 'v1/', Marker: 'v1/b/1' }));
    expect(second.Contents?.map((c) => c.Key)).toEqual(['v1/b/2', 'v1/c', 'v1/d']);
    const grouped = await admin.send(
      new ListObjectsCommand({ Bucket: cloud.bucket, Prefix: 'v1/', Delimiter: '/', MaxKeys: 2 }),
    );
    expect(grouped.Contents?.map((c) => c.Key)).toEqual(['v1/a']);
    expect(grouped.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['v1/b/']);
    expect(grouped.NextMarker).toBe('v1/b/');
    const rest = await admin.send(
      new ListObjectsCommand({ Bucket: cloud.bucket, Prefix: 'v1/', Delimiter: '/', Marker: grouped.NextMarker }),
    );
    expect(rest.Contents?.map((c) => c.Key)).toEqual(['v1/c', 'v1/d']);
  });

  it('lists versions of an unversioned bucket as VersionId "null"', async () => {
    const res = await admin.send(new ListObjectVersionsCommand({ Bucket: cloud.bucket, Prefix: 'v1/' }));
    expect(res.Versions?.map((v) => [v.Key, v.VersionId, v.IsLatest])).toContainEqual(['v1/a', 'null', true]);
  });

  it('deletes many objects, verbose and quiet', async () => {
    await admin.send(new PutObjectCommand({ Bucket: cloud.bucket, Key: 'del/1', Body: '1' }));
    await admin.send(new PutObjectCommand({ Bucket: cloud.bucket, Key: 'del/2', Body: '2' }));
    const verbose = await admin.send(
      new DeleteObjectsCommand({
        Bucket: cloud.bucket,
        Delete: { Objects: [{ Key: 'del/1' }, { Key: 'del/never', VersionId: 'null' }] },
      }),
    );
    expect(verbose.Deleted?.map((d) => d.Key).sort()).toEqual(['del/1', 'del/never']);
    const quiet = await admin.send(
      new DeleteObjectsCommand({ Bucket: cloud.bucket, Delete: { Objects: [{ Key: 'del/2' }], Quiet: true } }),
    );
    expect(quiet.Deleted ?? []).toEqual([]);
    expect(await errorOf(admin.send(new HeadObjectCommand({ Bucket: cloud.bucket, Key: 'del/2' })))).toMatchObject({
      status: 404,
    });
  });

  it('honours If-Match, If-None-Match, If-Modified-Since and If-Unmodified-Since', async () => {
    const put = await admin.send(new PutObjectCommand({ Bucket: cloud.bucket, Key: 'cond', Body: 'conditional' }));
    const etag = put.ETag!;
    const get = (extra: Record<string, unknown>) =>
      admin.send(new GetObjectCommand({ Bucket: cloud.bucket, Key: 'cond', ...extra }));
    expect((await get({ IfMatch: etag })).ETag).toBe(etag);
    expect(await errorOf(get({ IfMatch: '"0000"' }))).toMatchObject({ name: 'PreconditionFailed', status: 412 });
    expect((await errorOf(get({ IfNoneMatch: etag }))).status).toBe(304);
    expect((await errorOf(get({ IfModifiedSince: new Date(Date.now() + 3600_000) }))).status).toBe(304);
    expect(await errorOf(get({ IfUnmodifiedSince: new Date(Date.now() - 3600_000) }))).toMatchObject({
      name: 'PreconditionFailed',
    });
    expect(
      await errorOf(
        admin.send(new PutObjectCommand({ Bucket: cloud.bucket, Key: 'cond', Body: 'again', IfNoneMatch: '*' })),
      ),
    ).toMatchObject({ name: 'PreconditionFailed', status: 412 });
  });

  it('refuses ACLs other than private', async () => {
    await admin.send(new PutObjectCommand({ Bucket: cloud.bucket, Key: 'acl', Body: 'x', ACL: 'private' }));
    expect(
      await errorOf(
        admin.send(new PutObjectCommand({ Bucket: cloud.bucket, Key: 'acl', Body: 'x', ACL: 'public-read' })),
      ),
    ).toMatchObject({ name: 'AccessControlListNotSupported', status: 400 });
  });
});

describe('multipart extras', () => {
  it('answers a repeated Complete like the first one, and serves ?partNumber', async () => {
    const key = 'mp/repeat.bin';
    const { UploadId } = await admin.send(new CreateMultipartUploadCommand({ Bucket: cloud.bucket, Key: key }));
    const part1 = Buffer.alloc(5 * 1024 * 1024, 1);
    const p1 = await admin.send(
      new UploadPartCommand({ Bucket: cloud.bucket, Key: key, UploadId, PartNumber: 1, Body: part1 }),
    );
    const p2 = await admin.send(
      new UploadPartCommand({ Bucket: cloud.bucket, Key: key, UploadId, PartNumber: 2, Body: 'tail' }),
    );
    const parts = {
      Parts: [
        { PartNumber: 1, ETag: p1.ETag, ChecksumCRC32: p1.ChecksumCRC32 },
        { PartNumber: 2, ETag: p2.ETag, ChecksumCRC32: p2.ChecksumCRC32 },
      ],
    };
    const first = await admin.send(
      new CompleteMultipartUploadCommand({ Bucket: cloud.bucket, Key: key, UploadId, MultipartUpload: parts }),
    );
    const again = await admin.send(
      new CompleteMultipartUploadCommand({ Bucket: cloud.bucket, Key: key, UploadId, MultipartUpload: parts }),
    );
    expect(again.ETag).toBe(first.ETag);
    const md5 = (b: Buffer | string) => createHash('md5').update(b).digest();
    expect(first.ETag).toBe(
      `"${createHash('md5')
        .update(Buffer.concat([md5(part1), md5('tail')]))
        .digest('hex')}-2"`,
    );
    const second = await admin.send(new GetObjectCommand({ Bucket: cloud.bucket, Key: key, PartNumber: 2 }));
    expect(await second.Body?.transformToString()).toBe('tail');
    expect(second.PartsCount).toBe(2);
    expect(
      await errorOf(admin.send(new HeadObjectCommand({ Bucket: cloud.bucket, Key: key, PartNumber: 3 }))),
    ).toMatchObject({ status: 416 });
  });
});
