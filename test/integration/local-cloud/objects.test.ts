// Objects people can use: `hoist upload` stores a Content-Type from the name, the file's modification
// time as x-amz-meta-mtime (seconds with fraction, as rclone), and for multipart uploads S3's
// full-object CRC32 (the CRC32 of the whole file, FULL_OBJECT). awscli's head-object shows them all, and
// the local cloud builds the full-object checksum from part CRCs as S3 does and refuses a wrong one.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { crc32 } from 'node:zlib';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hoist } from '../../support/hoist-cli.js';
import { startTestStack, type TestStack } from '../../support/stack.js';

const run = promisify(execFile);
const user = { username: 'olive', password: 'objects pass phrase 7' };
let env: TestStack;
let work: string;

beforeAll(async () => {
  env = await startTestStack({ users: [user] });
  work = await mkdtemp(path.join(os.tmpdir(), 'hoist-objects-'));
});
afterAll(async () => {
  await env?.close();
  await rm(work, { recursive: true, force: true });
});

const crc32Base64 = (data: Buffer): string => {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(crc32(data));
  return out.toString('base64');
};

interface HeadObject {
  ContentType: string;
  ContentLength: number;
  ETag: string;
  Metadata: Record<string, string>;
  ChecksumCRC32?: string;
}

async function headObject(key: string): Promise<HeadObject> {
  const { stdout } = await run(
    '/usr/bin/aws',
    [
      '--endpoint-url',
      env.stack.s3Endpoint,
      '--region',
      env.stack.region,
      's3api',
      'head-object',
      '--bucket',
      env.stack.bucket,
      '--key',
      key,
      '--checksum-mode',
      'ENABLED',
    ],
    {
      env: {
        ...process.env,
        AWS_ACCESS_KEY_ID: env.stack.adminCredentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: env.stack.adminCredentials.secretAccessKey,
        AWS_CONFIG_FILE: '/dev/null',
        AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      },
    },
  );
  return JSON.parse(stdout) as HeadObject;
}

describe('uploaded objects', () => {
  it('carry a Content-Type from the name, the mtime, and a whole-file CRC32 that awscli shows', async () => {
    const files = {
      'photo.JPG': { data: randomBytes(5_000), type: 'image/jpeg' }, // small: the lean PutObject path
      'clip.mp4': { data: randomBytes(1536 * 1024), type: 'video/mp4' }, // one streamed PutObject
      'notes.unknown-ext': { data: randomBytes(10), type: 'application/octet-stream' },
      'talk.mov': { data: randomBytes(20 * 1024 * 1024 + 3), type: 'video/quicktime' }, // multipart, 3 parts
    };
    // A time with a fraction, as cameras and file systems keep them.
    const mtime = 1_700_000_000.25;
    for (const [name, { data }] of Object.entries(files)) {
      await writeFile(path.join(work, name), data);
      await utimes(path.join(work, name), mtime, mtime);
    }
    const result = await hoist(
      [
        '--data',
        path.join(work, 'state'),
        '--broker',
        env.stack.brokerUrl,
        'upload',
        ...Object.keys(files).map((n) => path.join(work, n)),
        '--to',
        'objects',
      ],
      {
        env: { HOIST_USERNAME: user.username, HOIST_PASSWORD: user.password },
        timeoutMs: 120_000,
      },
    );
    expect(result.code, result.stderr).toBe(0);
    const keys = await env.listKeys('uploads/');
    for (const [name, { data, type }] of Object.entries(files)) {
      const key = keys.find((k) => k.endsWith(`/objects/${name}`));
      expect(key, name).toBeDefined();
      const head = await headObject(key!);
      expect(head.ContentType, name).toBe(type);
      expect(head.ContentLength, name).toBe(data.length);
      expect(Number(head.Metadata.mtime), name).toBe(mtime);
      // The CRC32 of the file itself, for a single PUT and a multipart upload alike.
      expect(head.ChecksumCRC32, name).toBe(crc32Base64(data));
      // awscli 2.9 predates x-amz-checksum-type in its model; the SDK reads it.
      const sdkHead = await env.admin.send(
        new HeadObjectCommand({ Bucket: env.stack.bucket, Key: key!, ChecksumMode: 'ENABLED' }),
      );
      expect(sdkHead.ChecksumType, name).toBe('FULL_OBJECT');
    }
    const multipart = await headObject(keys.find((k) => k.endsWith('/talk.mov'))!);
    expect(multipart.ETag).toMatch(/-3"$/);

    // GET returns them too, and the SDK checks the body against the full-object checksum it is given.
    const got = await env.admin.send(
      new GetObjectCommand({
        Bucket: env.stack.bucket,
        Key: keys.find((k) => k.endsWith('/talk.mov'))!,
        ChecksumMode: 'ENABLED',
      }),
    );
    expect(got.ContentType).toBe('video/quicktime');
    expect(got.Metadata?.mtime).toBe(String(mtime));
    expect(got.ChecksumCRC32).toBe(crc32Base64(files['talk.mov'].data));
    expect(got.ChecksumType).toBe('FULL_OBJECT');
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(files['talk.mov'].data)).toBe(true);
  });
});

describe('the local cloud’s full-object checksums', () => {
  const MiB = 1024 * 1024;

  async function twoParts(key: string, type: 'FULL_OBJECT' | 'COMPOSITE' = 'FULL_OBJECT') {
    const parts = [randomBytes(5 * MiB), randomBytes(MiB + 17)];
    const created = await env.admin.send(
      new CreateMultipartUploadCommand({
        Bucket: env.stack.bucket,
        Key: key,
        ChecksumAlgorithm: 'CRC32',
        ChecksumType: type,
      }),
    );
    expect(created.ChecksumType).toBe(type);
    const done = [];
    for (const [i, body] of parts.entries()) {
      const res = await env.admin.send(
        new UploadPartCommand({
          Bucket: env.stack.bucket,
          Key: key,
          UploadId: created.UploadId,
          PartNumber: i + 1,
          Body: body,
          ChecksumCRC32: crc32Base64(body),
        }),
      );
      done.push({ PartNumber: i + 1, ETag: res.ETag!, ChecksumCRC32: res.ChecksumCRC32! });
    }
    return { uploadId: created.UploadId!, parts, done, whole: crc32Base64(Buffer.concat(parts)) };
  }

  it('combines part CRC32s into the whole object’s, and refuses a Complete that claims another', async () => {
    const wrong = await twoParts('admin/wrong.bin');
    await expect(
      env.admin.send(
        new CompleteMultipartUploadCommand({
          Bucket: env.stack.bucket,
          Key: 'admin/wrong.bin',
          UploadId: wrong.uploadId,
          MultipartUpload: { Parts: wrong.done },
          ChecksumCRC32: crc32Base64(Buffer.from('not it')),
          ChecksumType: 'FULL_OBJECT',
        }),
      ),
    ).rejects.toMatchObject({ name: 'BadDigest' });

    const right = await twoParts('admin/right.bin');
    const completed = await env.admin.send(
      new CompleteMultipartUploadCommand({
        Bucket: env.stack.bucket,
        Key: 'admin/right.bin',
        UploadId: right.uploadId,
        MultipartUpload: { Parts: right.done },
        ChecksumCRC32: right.whole,
        ChecksumType: 'FULL_OBJECT',
      }),
    );
    expect(completed.ChecksumCRC32).toBe(right.whole);
    expect(completed.ChecksumType).toBe('FULL_OBJECT');
  });

  it('keeps composite checksums for uploads created COMPOSITE, and refuses FULL_OBJECT with SHA-256', async () => {
    const composite = await twoParts('admin/composite.bin', 'COMPOSITE');
    const completed = await env.admin.send(
      new CompleteMultipartUploadCommand({
        Bucket: env.stack.bucket,
        Key: 'admin/composite.bin',
        UploadId: composite.uploadId,
        MultipartUpload: { Parts: composite.done },
      }),
    );
    expect(completed.ChecksumCRC32).toMatch(/-2$/);
    expect(completed.ChecksumType).toBe('COMPOSITE');
    await expect(
      env.admin.send(
        new CreateMultipartUploadCommand({
          Bucket: env.stack.bucket,
          Key: 'admin/sha.bin',
          ChecksumAlgorithm: 'SHA256',
          ChecksumType: 'FULL_OBJECT',
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidRequest' });
  });
});
