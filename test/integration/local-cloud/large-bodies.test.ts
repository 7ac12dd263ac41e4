// Bodies large enough to be written direct (≥ 4 MiB, O_DIRECT from staging buffers): every checksum the
// local cloud verifies comes out as for small bodies — stored and echoed when right, refused when wrong —
// for plain (as Hoist sends parts now), signed-payload and aws-chunked bodies, single PUTs and parts.
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import { Crc32c } from '@aws-crypto/crc32c';
import {
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../../server/local-cloud/index.js';
import { client, errorOf, MiB, startCloud, tempDir } from './helpers.js';
import { sha256 } from '../../support/digest.js';

let dir: ReturnType<typeof tempDir>;
let cloud: LocalCloud;
let s3: S3Client;

beforeAll(async () => {
  dir = tempDir();
  cloud = await startCloud(dir.path);
  s3 = client(cloud, cloud.adminCredentials);
});
afterAll(async () => {
  s3.destroy();
  await cloud.close();
  dir.remove();
});

const data = randomBytes(9 * MiB + 12345);
const md5 = createHash('md5').update(data).digest('hex');
const crc32b64 = (b: Buffer): string => {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(crc32(b) >>> 0);
  return out.toString('base64');
};

async function stored(Key: string): Promise<Buffer> {
  const res = await s3.send(new GetObjectCommand({ Bucket: cloud.bucket, Key }));
  return Buffer.from(await res.Body!.transformToByteArray());
}

describe('large bodies', () => {
  it('plain body with a CRC32 header: stored, echoed; a wrong one is BadDigest', async () => {
    const res = await s3.send(
      new PutObjectCommand({
        Bucket: cloud.bucket,
        Key: 'large/crc32',
        Body: Readable.from([data]),
        ContentLength: data.length,
        ChecksumCRC32: crc32b64(data),
      }),
    );
    expect(res.ETag).toBe(`"${md5}"`);
    expect(res.ChecksumCRC32).toBe(crc32b64(data));
    expect((await stored('large/crc32')).equals(data)).toBe(true);
    const wrong = await errorOf(
      s3.send(
        new PutObjectCommand({
          Bucket: cloud.bucket,
          Key: 'large/crc32-bad',
          Body: Readable.from([data]),
          ContentLength: data.length,
          ChecksumCRC32: crc32b64(data.subarray(1)),
        }),
      ),
    );
    expect(wrong).toMatchObject({ name: 'BadDigest', status: 400 });
    expect(
      await errorOf(s3.send(new HeadObjectCommand({ Bucket: cloud.bucket, Key: 'large/crc32-bad' }))),
    ).toMatchObject({ status: 404 });
  });

  it('signed payload (hex SHA-256) with SHA-256 and CRC32C checksums, and Content-MD5', async () => {
    const sha = await s3.send(
      new PutObjectCommand({ Bucket: cloud.bucket, Key: 'large/sha256', Body: data, ChecksumAlgorithm: 'SHA256' }),
    );
    expect(sha.ChecksumSHA256).toBe(sha256(data, 'base64'));
    const c = new Crc32c();
    c.update(data);
    const crc32c = Buffer.alloc(4);
    crc32c.writeUInt32BE(c.digest() >>> 0);
    const res = await s3.send(
      new PutObjectCommand({ Bucket: cloud.bucket, Key: 'large/crc32c', Body: data, ChecksumAlgorithm: 'CRC32C' }),
    );
    expect(res.ChecksumCRC32C).toBe(crc32c.toString('base64'));
    const md5b64 = Buffer.from(md5, 'hex').toString('base64');
    expect(
      (await s3.send(new PutObjectCommand({ Bucket: cloud.bucket, Key: 'large/md5', Body: data, ContentMD5: md5b64 })))
        .ETag,
    ).toBe(`"${md5}"`);
    const badMd5 = createHash('md5').update('other').digest('base64');
    expect(
      await errorOf(
        s3.send(new PutObjectCommand({ Bucket: cloud.bucket, Key: 'large/md5-bad', Body: data, ContentMD5: badMd5 })),
      ),
    ).toMatchObject({ name: 'BadDigest' });
  });

  it('aws-chunked parts with a CRC32 trailer, and a plain part, in one multipart upload', async () => {
    const { UploadId } = await s3.send(
      new CreateMultipartUploadCommand({ Bucket: cloud.bucket, Key: 'large/mpu', ChecksumAlgorithm: 'CRC32' }),
    );
    const part1 = data.subarray(0, 5 * MiB);
    const part2 = data.subarray(5 * MiB);
    const a = await s3.send(
      new UploadPartCommand({
        Bucket: cloud.bucket,
        Key: 'large/mpu',
        UploadId,
        PartNumber: 1,
        Body: Readable.from([part1]),
        ContentLength: part1.length,
        ChecksumAlgorithm: 'CRC32',
      }),
    );
    const b = await s3.send(
      new UploadPartCommand({
        Bucket: cloud.bucket,
        Key: 'large/mpu',
        UploadId,
        PartNumber: 2,
        Body: Readable.from([part2]),
        ContentLength: part2.length,
        ChecksumCRC32: crc32b64(part2),
      }),
    );
    expect([a.ETag, a.ChecksumCRC32]).toEqual([`"${createHash('md5').update(part1).digest('hex')}"`, crc32b64(part1)]);
    expect([b.ETag, b.ChecksumCRC32]).toEqual([`"${createHash('md5').update(part2).digest('hex')}"`, crc32b64(part2)]);
  });
});
