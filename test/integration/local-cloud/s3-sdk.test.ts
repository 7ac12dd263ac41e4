// The S3 half of the local cloud driven by the unmodified AWS SDK v3 (and hand-signed requests where the
// SDK cannot be made to misbehave), over real HTTP on 127.0.0.1.
import { createHash } from 'node:crypto';
import { createReadStream, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../../server/local-cloud/index.js';
import { MiB, client, errorOf, identityCreds, newIdentityId, startCloud, tempDir } from './helpers.js';
import { codeOf, httpFor, send, signer } from './raw.js';
import { sha256 } from '../../support/digest.js';

const md5 = (data: Buffer | string): string => createHash('md5').update(data).digest('hex');
const crcB64 = (data: Buffer): string => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(crc32(data));
  return b.toString('base64');
};
const patterned = (size: number, seed = 1): Buffer => {
  const b = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i++) b[i] = (i * 31 + seed) & 0xff;
  return b;
};

let offsetMs = 0; // the cloud's clock = real time + offset, so a test can move it forward
const dir = tempDir();
let cloud: LocalCloud;
let admin: S3Client;
let bucket: string;

beforeAll(async () => {
  cloud = await startCloud(dir.path, { now: () => new Date(Date.now() + offsetMs) });
  admin = client(cloud, cloud.adminCredentials);
  bucket = cloud.bucket;
});
afterAll(async () => {
  await cloud.close();
  dir.remove();
});

async function body(c: S3Client, key: string, range?: string): Promise<Buffer> {
  const res = await c.send(new GetObjectCommand({ Bucket: bucket, Key: key, ...(range ? { Range: range } : {}) }));
  return Buffer.from(await res.Body!.transformToByteArray());
}

describe('objects with admin credentials', () => {
  it('stores and returns a Buffer body under keys with spaces, unicode and +', async () => {
    for (const key of [
      'plain.txt',
      'with space/and+plus.txt',
      'ünïcødé/日本語 ✓.bin',
      "odd !'()*~&$@=;:,?.txt",
      'a//double/slash',
    ]) {
      const data = Buffer.from(`content of ${key}`);
      const put = await admin.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: data,
          ContentType: 'text/plain',
          Metadata: { owner: 'tests' },
        }),
      );
      expect(put.ETag).toBe(`"${md5(data)}"`);
      expect(put.ChecksumCRC32).toBe(crcB64(data));
      expect((await body(admin, key)).equals(data)).toBe(true);
      const head = await admin.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      expect(head).toMatchObject({
        ContentLength: data.length,
        ContentType: 'text/plain',
        Metadata: { owner: 'tests' },
        ETag: `"${md5(data)}"`,
      });
    }
  });

  it('decodes an aws-chunked stream with its CRC32 trailer (fs.createReadStream)', async () => {
    const data = patterned(200_000);
    const file = join(dir.path, 'stream.bin');
    writeFileSync(file, data);
    const put = await admin.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'stream.bin', Body: createReadStream(file) }),
    );
    expect(put.ETag).toBe(`"${md5(data)}"`);
    expect((await body(admin, 'stream.bin')).equals(data)).toBe(true);
    const entry = cloud.requestLog.entries().findLast((e) => e.operation === 'PutObject' && e.key === 'stream.bin');
    expect(entry?.bytesReceived).toBeGreaterThan(data.length); // the chunk framing and trailer were on the wire
  });

  it('answers ranges, suffix ranges and unsatisfiable ranges like S3', async () => {
    const data = Buffer.from('0123456789');
    await admin.send(new PutObjectCommand({ Bucket: bucket, Key: 'range.txt', Body: data }));
    expect((await body(admin, 'range.txt', 'bytes=2-4')).toString()).toBe('234');
    expect((await body(admin, 'range.txt', 'bytes=-3')).toString()).toBe('789');
    expect((await body(admin, 'range.txt', 'bytes=7-')).toString()).toBe('789');
    expect((await body(admin, 'range.txt', 'bytes=8-100')).toString()).toBe('89');
    const res = await admin.send(new GetObjectCommand({ Bucket: bucket, Key: 'range.txt', Range: 'bytes=0-0' }));
    expect(res.ContentRange).toBe('bytes 0-0/10');
    await res.Body?.transformToByteArray();
    expect(await errorOf(body(admin, 'range.txt', 'bytes=10-'))).toMatchObject({ name: 'InvalidRange', status: 416 });
  });

  it('reports missing keys as NoSuchKey and deletes idempotently', async () => {
    expect(await errorOf(body(admin, 'missing'))).toMatchObject({ name: 'NoSuchKey', status: 404 });
    expect(await errorOf(admin.send(new HeadObjectCommand({ Bucket: bucket, Key: 'missing' })))).toMatchObject({
      name: 'NotFound',
      status: 404,
    });
    await admin.send(new PutObjectCommand({ Bucket: bucket, Key: 'gone', Body: 'x' }));
    await admin.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'gone' }));
    await admin.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'gone' }));
    expect(await errorOf(body(admin, 'gone'))).toMatchObject({ name: 'NoSuchKey' });
    expect(await errorOf(admin.send(new ListObjectsV2Command({ Bucket: 'no-such-bucket' })))).toMatchObject({
      name: 'NoSuchBucket',
      status: 404,
    });
  });

  it('refuses a wrong CRC32 with BadDigest and keeps no object', async () => {
    const err = await errorOf(
      admin.send(new PutObjectCommand({ Bucket: bucket, Key: 'bad-crc', Body: 'hello', ChecksumCRC32: 'AAAAAA==' })),
    );
    expect(err).toMatchObject({
      name: 'BadDigest',
      status: 400,
      message: 'The CRC32 you specified did not match the calculated checksum.',
    });
    expect(await errorOf(body(admin, 'bad-crc'))).toMatchObject({ name: 'NoSuchKey' });
  });

  it('refuses a wrong Content-MD5 with BadDigest', async () => {
    const err = await errorOf(
      admin.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: 'bad-md5',
          Body: 'hello',
          ContentMD5: Buffer.from(md5('other'), 'hex').toString('base64'),
        }),
      ),
    );
    expect(err).toMatchObject({ name: 'BadDigest', status: 400 });
  });

  it('refuses keys over 1024 bytes and keys with .. segments', async () => {
    expect(
      await errorOf(admin.send(new PutObjectCommand({ Bucket: bucket, Key: 'k'.repeat(1025), Body: 'x' }))),
    ).toMatchObject({ name: 'KeyTooLongError', status: 400 });
    await admin.send(new PutObjectCommand({ Bucket: bucket, Key: 'k'.repeat(1024), Body: 'x' }));
    expect(
      (await errorOf(admin.send(new PutObjectCommand({ Bucket: bucket, Key: 'uploads/../escape', Body: 'x' })))).status,
    ).toBe(400);
    expect(
      (await errorOf(admin.send(new PutObjectCommand({ Bucket: bucket, Key: '../../../../etc/passwd', Body: 'x' }))))
        .status,
    ).toBe(400);
  });
});

describe('aws-chunked bodies sent by hand', () => {
  async function chunkedPut(key: string, data: Buffer, trailerValue: string, declaredLength = data.length) {
    const wire = Buffer.concat([
      Buffer.from(`${data.length.toString(16)}\r\n`),
      data,
      Buffer.from(`\r\n0\r\nx-amz-checksum-crc32:${trailerValue}\r\n\r\n`),
    ]);
    const req = httpFor(cloud, 'PUT', `/${bucket}/${key}`, {
      'content-encoding': 'aws-chunked',
      'content-length': String(wire.length),
      'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
      'x-amz-decoded-content-length': String(declaredLength),
      'x-amz-trailer': 'x-amz-checksum-crc32',
    });
    return send(cloud, await signer(cloud, cloud.adminCredentials).sign(req), wire);
  }

  it('accepts a correct trailer', async () => {
    const data = Buffer.from('trailer checked');
    expect((await chunkedPut('trailer-ok', data, crcB64(data))).status).toBe(200);
  });

  it('refuses a wrong trailing CRC32 with BadDigest', async () => {
    const res = await chunkedPut('trailer-bad', Buffer.from('trailer checked'), crcB64(Buffer.from('other')));
    expect([res.status, codeOf(res.body)]).toEqual([400, 'BadDigest']);
  });

  it('refuses a body shorter than x-amz-decoded-content-length with IncompleteBody', async () => {
    const data = Buffer.from('short');
    const res = await chunkedPut('short', data, crcB64(data), 50);
    expect([res.status, codeOf(res.body)]).toEqual([400, 'IncompleteBody']);
  });

  it('refuses a hex x-amz-content-sha256 that does not match the body', async () => {
    const req = httpFor(cloud, 'PUT', `/${bucket}/sha-mismatch`, {
      'content-length': '5',
      'x-amz-content-sha256': sha256('other'),
    });
    const res = await send(cloud, await signer(cloud, cloud.adminCredentials).sign(req), Buffer.from('hello'));
    expect([res.status, codeOf(res.body)]).toEqual([400, 'XAmzContentSHA256Mismatch']);
  });

  it('answers every error with the S3 XML body, request ids and a Date', async () => {
    const res = await send(cloud, httpFor(cloud, 'GET', `/${bucket}/anything`, {}));
    expect(res.status).toBe(403);
    expect(res.body).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<Error><Code>AccessDenied<\/Code><Message>Access Denied<\/Message><Resource>[^<]*<\/Resource><RequestId>[0-9A-F]{16}<\/RequestId><HostId>[^<]+<\/HostId><\/Error>$/,
    );
    expect(res.headers['x-amz-request-id']).toMatch(/^[0-9A-F]{16}$/);
    expect(res.headers['x-amz-id-2']).toBeTruthy();
    expect(Math.abs(Date.parse(String(res.headers['date'])) - Date.now())).toBeLessThan(60_000);
  });

  it('accepts a presigned PUT whose default x-amz-checksum-crc32 is of an empty body', async () => {
    const req = httpFor(
      cloud,
      'PUT',
      `/${bucket}/presigned.txt`,
      { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
      { 'x-id': 'PutObject', 'x-amz-checksum-crc32': 'AAAAAA==', 'x-amz-sdk-checksum-algorithm': 'CRC32' },
    );
    const presigned = await signer(cloud, cloud.adminCredentials).presign(req, { expiresIn: 300 });
    presigned.headers['content-length'] = '9';
    const res = await send(cloud, presigned, Buffer.from('presigned'));
    expect(res.status).toBe(200);
    expect((await body(admin, 'presigned.txt')).toString()).toBe('presigned');
  });
});

describe('multipart uploads', () => {
  it('uploads 12 MiB with lib-storage: 3 parts, composite ETag, CRC32 per part', async () => {
    const data = patterned(12 * MiB, 3);
    const result = await new Upload({
      client: admin,
      params: { Bucket: bucket, Key: 'big/12mib.bin', Body: data },
      partSize: 5 * MiB,
      queueSize: 4,
    }).done();
    const partMd5s = [data.subarray(0, 5 * MiB), data.subarray(5 * MiB, 10 * MiB), data.subarray(10 * MiB)].map((p) =>
      Buffer.from(md5(p), 'hex'),
    );
    expect(result.ETag).toBe(`"${md5(Buffer.concat(partMd5s))}-3"`);
    expect((await body(admin, 'big/12mib.bin')).equals(data)).toBe(true);
    const parts = cloud.requestLog.entries().filter((e) => e.operation === 'UploadPart' && e.key === 'big/12mib.bin');
    expect(parts.map((p) => p.partNumber).sort()).toEqual([1, 2, 3]);
    const head = await admin.send(new HeadObjectCommand({ Bucket: bucket, Key: 'big/12mib.bin', PartNumber: 2 }));
    expect(head).toMatchObject({ ContentLength: 5 * MiB, PartsCount: 3 });
  });

  async function create(key: string, checksum = true): Promise<string> {
    const res = await admin.send(
      new CreateMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        ...(checksum ? { ChecksumAlgorithm: 'CRC32' as const } : {}),
      }),
    );
    return res.UploadId!;
  }

  it('records part checksums and lists parts and uploads', async () => {
    const uploadId = await create('mp/list.bin');
    const data = Buffer.from('part one');
    const part = await admin.send(
      new UploadPartCommand({
        Bucket: bucket,
        Key: 'mp/list.bin',
        UploadId: uploadId,
        PartNumber: 1,
        Body: data,
        ChecksumAlgorithm: 'CRC32',
      }),
    );
    expect(part).toMatchObject({ ETag: `"${md5(data)}"`, ChecksumCRC32: crcB64(data) });
    const listed = await admin.send(new ListPartsCommand({ Bucket: bucket, Key: 'mp/list.bin', UploadId: uploadId }));
    expect(listed.Parts).toMatchObject([
      { PartNumber: 1, ETag: `"${md5(data)}"`, Size: data.length, ChecksumCRC32: crcB64(data) },
    ]);
    const uploads = await admin.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: 'mp/' }));
    expect(uploads.Uploads?.map((u) => u.UploadId)).toContain(uploadId);
    await admin.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: 'mp/list.bin', UploadId: uploadId }));
    expect(
      await errorOf(admin.send(new ListPartsCommand({ Bucket: bucket, Key: 'mp/list.bin', UploadId: uploadId }))),
    ).toMatchObject({ name: 'NoSuchUpload', status: 404 });
  });

  it('refuses a non-last part under 5 MiB with EntityTooSmall', async () => {
    const uploadId = await create('mp/small.bin', false);
    const p1 = await admin.send(
      new UploadPartCommand({ Bucket: bucket, Key: 'mp/small.bin', UploadId: uploadId, PartNumber: 1, Body: 'a' }),
    );
    const p2 = await admin.send(
      new UploadPartCommand({ Bucket: bucket, Key: 'mp/small.bin', UploadId: uploadId, PartNumber: 2, Body: 'b' }),
    );
    const err = await errorOf(
      admin.send(
        new CompleteMultipartUploadCommand({
          Bucket: bucket,
          Key: 'mp/small.bin',
          UploadId: uploadId,
          MultipartUpload: {
            Parts: [
              { PartNumber: 1, ETag: p1.ETag },
              { PartNumber: 2, ETag: p2.ETag },
            ],
          },
        }),
      ),
    );
    expect(err).toMatchObject({ name: 'EntityTooSmall', status: 400 });
    // a single small part is a valid (last) part
    const done = await admin.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: 'mp/small.bin',
        UploadId: uploadId,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: p1.ETag }] },
      }),
    );
    expect(done.ETag).toBe(`"${md5(Buffer.from(md5('a'), 'hex'))}-1"`);
    expect((await body(admin, 'mp/small.bin')).toString()).toBe('a');
  });

  it('refuses unknown parts, wrong ETags and unordered parts', async () => {
    const uploadId = await create('mp/rules.bin', false);
    const p1 = await admin.send(
      new UploadPartCommand({ Bucket: bucket, Key: 'mp/rules.bin', UploadId: uploadId, PartNumber: 1, Body: 'a' }),
    );
    const complete = (Parts: Array<{ PartNumber: number; ETag: string | undefined }>) =>
      errorOf(
        admin.send(
          new CompleteMultipartUploadCommand({
            Bucket: bucket,
            Key: 'mp/rules.bin',
            UploadId: uploadId,
            MultipartUpload: { Parts },
          }),
        ),
      );
    expect(await complete([{ PartNumber: 1, ETag: '"00000000000000000000000000000000"' }])).toMatchObject({
      name: 'InvalidPart',
      status: 400,
    });
    expect(
      await complete([
        { PartNumber: 1, ETag: p1.ETag },
        { PartNumber: 7, ETag: p1.ETag },
      ]),
    ).toMatchObject({ name: 'InvalidPart' });
    expect(
      await complete([
        { PartNumber: 2, ETag: p1.ETag },
        { PartNumber: 1, ETag: p1.ETag },
      ]),
    ).toMatchObject({ name: 'InvalidPartOrder', status: 400 });
    expect(
      await errorOf(
        admin.send(
          new UploadPartCommand({
            Bucket: bucket,
            Key: 'mp/rules.bin',
            UploadId: uploadId,
            PartNumber: 10_001,
            Body: 'x',
          }),
        ),
      ),
    ).toMatchObject({ name: 'InvalidArgument', status: 400 });
    expect(
      await errorOf(
        admin.send(
          new UploadPartCommand({
            Bucket: bucket,
            Key: 'mp/rules.bin',
            UploadId: 'no-such-upload',
            PartNumber: 1,
            Body: 'x',
          }),
        ),
      ),
    ).toMatchObject({ name: 'NoSuchUpload', status: 404 });
    expect(
      await errorOf(
        admin.send(
          new UploadPartCommand({ Bucket: bucket, Key: 'mp/other-key', UploadId: uploadId, PartNumber: 1, Body: 'x' }),
        ),
      ),
    ).toMatchObject({ name: 'NoSuchUpload' });
    await admin.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: 'mp/rules.bin', UploadId: uploadId }));
    expect(await complete([{ PartNumber: 1, ETag: p1.ETag }])).toMatchObject({ name: 'NoSuchUpload', status: 404 });
  });

  it("refuses a part whose checksum type differs from the upload's", async () => {
    const uploadId = await create('mp/type.bin');
    const err = await errorOf(
      admin.send(
        new UploadPartCommand({
          Bucket: bucket,
          Key: 'mp/type.bin',
          UploadId: uploadId,
          PartNumber: 1,
          Body: 'x',
          ChecksumAlgorithm: 'SHA256',
        }),
      ),
    );
    expect(err).toMatchObject({ name: 'InvalidRequest', status: 400 });
  });

  it('aborts incomplete uploads older than the lifecycle age in the sweep', async () => {
    const uploadId = await create('mp/stale.bin', false);
    expect(await cloud.sweepIncompleteUploads()).not.toContain(uploadId);
    offsetMs = 8 * 24 * 3600 * 1000;
    try {
      expect(await cloud.sweepIncompleteUploads()).toContain(uploadId);
    } finally {
      offsetMs = 0;
    }
    expect(
      await errorOf(admin.send(new ListPartsCommand({ Bucket: bucket, Key: 'mp/stale.bin', UploadId: uploadId }))),
    ).toMatchObject({ name: 'NoSuchUpload' });
  });
});

describe('listing', () => {
  beforeAll(async () => {
    for (const key of ['list/a', 'list/b', 'list/c/1', 'list/c/2', 'list/d', 'list/e/1', 'list/f']) {
      await admin.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: key }));
    }
  });

  it('paginates with continuation tokens', async () => {
    const keys: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const res = await admin.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: 'list/', MaxKeys: 3, ContinuationToken: token }),
      );
      keys.push(...(res.Contents ?? []).map((c) => c.Key!));
      token = res.NextContinuationToken;
      expect(res.IsTruncated).toBe(token !== undefined);
      pages++;
    } while (token);
    expect(pages).toBe(3);
    expect(keys).toEqual(['list/a', 'list/b', 'list/c/1', 'list/c/2', 'list/d', 'list/e/1', 'list/f']);
  });

  it('groups by delimiter into CommonPrefixes and honours start-after', async () => {
    const res = await admin.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'list/', Delimiter: '/' }));
    expect(res.Contents?.map((c) => c.Key)).toEqual(['list/a', 'list/b', 'list/d', 'list/f']);
    expect(res.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['list/c/', 'list/e/']);
    expect(res.KeyCount).toBe(6);
    const paged = await admin.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: 'list/', Delimiter: '/', MaxKeys: 3 }),
    );
    expect(
      [...(paged.Contents ?? []).map((c) => c.Key), ...(paged.CommonPrefixes ?? []).map((p) => p.Prefix)].sort(),
    ).toEqual(['list/a', 'list/b', 'list/c/']);
    const next = await admin.send(
      new ListObjectsV2Command({
        Bucket: bucket,
        Prefix: 'list/',
        Delimiter: '/',
        MaxKeys: 3,
        ContinuationToken: paged.NextContinuationToken,
      }),
    );
    expect(next.Contents?.map((c) => c.Key)).toEqual(['list/d', 'list/f']);
    expect(next.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['list/e/']);
    const after = await admin.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: 'list/', StartAfter: 'list/c/2' }),
    );
    expect(after.Contents?.map((c) => c.Key)).toEqual(['list/d', 'list/e/1', 'list/f']);
  });
});

describe('identity credentials (the role policy)', () => {
  const identityId = newIdentityId();
  let user: S3Client;
  let own: string;
  beforeAll(() => {
    user = client(cloud, identityCreds(cloud, identityId));
    own = `uploads/${identityId}`;
  });

  it('may upload under its own prefix, single and multipart', async () => {
    await user.send(new PutObjectCommand({ Bucket: bucket, Key: `${own}/photo.jpg`, Body: 'pixels' }));
    expect((await body(admin, `${own}/photo.jpg`)).toString()).toBe('pixels');
    const data = patterned(6 * MiB, 9);
    await new Upload({
      client: user,
      params: { Bucket: bucket, Key: `${own}/video.mp4`, Body: data },
      partSize: 5 * MiB,
    }).done();
    expect((await body(admin, `${own}/video.mp4`)).equals(data)).toBe(true);
    const entry = cloud.requestLog.entries().findLast((e) => e.operation === 'CompleteMultipartUpload');
    expect(entry).toMatchObject({ principal: 'identity', identityId, status: 200 });
  });

  it("is refused under another identity's prefix, at the bucket root, for reads and listings", async () => {
    const other = newIdentityId();
    expect(
      await errorOf(user.send(new PutObjectCommand({ Bucket: bucket, Key: `uploads/${other}/x`, Body: 'x' }))),
    ).toMatchObject({ name: 'AccessDenied', status: 403 });
    expect(
      await errorOf(user.send(new PutObjectCommand({ Bucket: bucket, Key: 'root.txt', Body: 'x' }))),
    ).toMatchObject({ name: 'AccessDenied', status: 403 });
    expect(
      await errorOf(user.send(new PutObjectCommand({ Bucket: bucket, Key: `uploads/${identityId}x/f`, Body: 'x' }))),
    ).toMatchObject({ name: 'AccessDenied' });
    expect(await errorOf(user.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: own })))).toMatchObject({
      name: 'AccessDenied',
      status: 403,
    });
    expect(await errorOf(body(user, `${own}/photo.jpg`))).toMatchObject({ name: 'AccessDenied', status: 403 });
    expect(
      await errorOf(user.send(new DeleteObjectCommand({ Bucket: bucket, Key: `${own}/photo.jpg` }))),
    ).toMatchObject({ name: 'AccessDenied' });
    expect(
      await errorOf(user.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: `uploads/${other}/y` }))),
    ).toMatchObject({ name: 'AccessDenied' });
  });

  it('is refused before a large body is sent (Expect: 100-continue answered with the error)', async () => {
    const data = Buffer.alloc(6 * MiB, 1);
    const err = await errorOf(user.send(new PutObjectCommand({ Bucket: bucket, Key: 'root-big.bin', Body: data })));
    expect(err).toMatchObject({ name: 'AccessDenied', status: 403 });
    const entry = cloud.requestLog.entries().findLast((e) => e.key === 'root-big.bin');
    expect(entry).toMatchObject({ status: 403, bytesReceived: 0 });
    // the connection stays usable for the next request
    await user.send(new PutObjectCommand({ Bucket: bucket, Key: `${own}/after.txt`, Body: 'ok' }));
  });

  it('refuses a tampered signature with SignatureDoesNotMatch', async () => {
    const tampering = client(cloud, identityCreds(cloud, identityId));
    type Args = { request: { headers: Record<string, string> } };
    const tamper = (next: (args: Args) => Promise<unknown>) => async (args: Args) => {
      const auth = args.request.headers['authorization'] ?? '';
      args.request.headers['authorization'] = auth.slice(0, -1) + (auth.endsWith('0') ? '1' : '0');
      return next(args);
    };
    tampering.middlewareStack.addRelativeTo(
      tamper as unknown as Parameters<typeof tampering.middlewareStack.addRelativeTo>[0],
      {
        relation: 'after',
        toMiddleware: 'httpSigningMiddleware',
        name: 'tamper',
      },
    );
    expect(
      await errorOf(tampering.send(new PutObjectCommand({ Bucket: bucket, Key: `${own}/t`, Body: 'x' }))),
    ).toMatchObject({ name: 'SignatureDoesNotMatch', status: 403 });
  });

  it('refuses a wrong or missing session token', async () => {
    const creds = identityCreds(cloud, identityId);
    const wrong = client(cloud, { ...creds, sessionToken: 'not-the-token' });
    expect(
      await errorOf(wrong.send(new PutObjectCommand({ Bucket: bucket, Key: `${own}/w`, Body: 'x' }))),
    ).toMatchObject({ name: 'InvalidToken', status: 400 });
    const missing = client(cloud, { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey });
    expect(
      await errorOf(missing.send(new PutObjectCommand({ Bucket: bucket, Key: `${own}/m`, Body: 'x' }))),
    ).toMatchObject({ name: 'InvalidAccessKeyId', status: 403 });
  });

  it('refuses expired credentials with ExpiredToken', async () => {
    const shortLived = client(cloud, identityCreds(cloud, identityId, 60));
    await shortLived.send(new PutObjectCommand({ Bucket: bucket, Key: `${own}/e1`, Body: 'x' }));
    offsetMs = 120_000; // the cloud's clock moves on 2 minutes: within the skew window, past the expiry
    try {
      expect(
        await errorOf(shortLived.send(new PutObjectCommand({ Bucket: bucket, Key: `${own}/e2`, Body: 'x' }))),
      ).toMatchObject({ name: 'ExpiredToken', status: 400 });
    } finally {
      offsetMs = 0;
    }
  });

  it('developer credentials may not use S3', async () => {
    const dev = client(cloud, cloud.developerCredentials);
    expect(
      await errorOf(dev.send(new PutObjectCommand({ Bucket: bucket, Key: `${own}/dev`, Body: 'x' }))),
    ).toMatchObject({ name: 'AccessDenied' });
  });
});

describe('restart', () => {
  it('keeps objects, uploads and credentials across a restart on the same data folder', async () => {
    const restartDir = tempDir();
    try {
      const first = await startCloud(restartDir.path);
      const identityId = newIdentityId();
      const creds = identityCreds(first, identityId);
      const data = patterned(100_000, 5);
      await client(first, first.adminCredentials).send(
        new PutObjectCommand({ Bucket: first.bucket, Key: 'kept/one.bin', Body: data }),
      );
      const upload = await client(first, creds).send(
        new CreateMultipartUploadCommand({ Bucket: first.bucket, Key: `uploads/${identityId}/resume.bin` }),
      );
      const poolId = first.identityPoolId;
      await first.close();

      const second = await startCloud(restartDir.path);
      try {
        expect(second.identityPoolId).toBe(poolId);
        const res = await client(second, second.adminCredentials).send(
          new GetObjectCommand({ Bucket: second.bucket, Key: 'kept/one.bin' }),
        );
        expect(Buffer.from(await res.Body!.transformToByteArray()).equals(data)).toBe(true);
        const parts = await client(second, creds).send(
          new ListPartsCommand({
            Bucket: second.bucket,
            Key: `uploads/${identityId}/resume.bin`,
            UploadId: upload.UploadId,
          }),
        );
        expect(parts.Parts ?? []).toEqual([]);
      } finally {
        await second.close();
      }
    } finally {
      restartDir.remove();
    }
  });
});
