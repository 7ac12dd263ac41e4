// Third-party S3 clients against the local cloud with admin credentials: awscli and rclone (Debian
// packages) upload — multipart included — list and read back.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../../server/local-cloud/index.js';
import { MiB, startCloud, tempDir } from './helpers.js';

const AWS = '/usr/bin/aws';
const RCLONE = '/usr/bin/rclone';

/** Runs a tool without blocking the event loop (the cloud under test shares it). */
function run(cmd: string, args: string[], env: Record<string, string>): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { env, maxBuffer: 16 * MiB }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` });
    });
  });
}

const dir = tempDir();
let cloud: LocalCloud;
const source = join(dir.path, 'source.bin');
const data = randomBytes(9 * MiB); // over the 8 MiB multipart threshold of awscli

beforeAll(async () => {
  cloud = await startCloud(join(dir.path, 'cloud'));
  writeFileSync(source, data);
});
afterAll(async () => {
  await cloud.close();
  dir.remove();
});

describe.skipIf(!existsSync(AWS))('awscli', () => {
  const env = (): Record<string, string> => ({
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: dir.path,
    AWS_ACCESS_KEY_ID: cloud.adminCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: cloud.adminCredentials.secretAccessKey,
    AWS_DEFAULT_REGION: cloud.region,
    AWS_CONFIG_FILE: join(dir.path, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir.path, 'no-aws-credentials'),
  });
  const aws = (...args: string[]) => run(AWS, ['--endpoint-url', cloud.s3Endpoint, ...args], env());

  it('uploads a 9 MiB file as a multipart upload, lists it and reads it back', async () => {
    const up = await aws('s3', 'cp', source, `s3://${cloud.bucket}/awscli/source.bin`);
    expect(up.code, up.out).toBe(0);
    const parts = cloud.requestLog
      .entries()
      .filter((e) => e.operation === 'UploadPart' && e.key === 'awscli/source.bin' && e.status === 200);
    expect(parts.length).toBeGreaterThanOrEqual(2);
    const ls = await aws('s3', 'ls', `s3://${cloud.bucket}/awscli/`);
    expect(ls.code, ls.out).toBe(0);
    expect(ls.out).toMatch(new RegExp(`\\s${data.length} source\\.bin`));
    const buckets = await aws('s3', 'ls');
    expect(buckets.out).toContain(cloud.bucket);
    const back = join(dir.path, 'awscli-back.bin');
    const down = await aws('s3', 'cp', `s3://${cloud.bucket}/awscli/source.bin`, back);
    expect(down.code, down.out).toBe(0);
    expect(readFileSync(back).equals(data)).toBe(true);
  });

  it('reports S3 errors by name', async () => {
    const res = await aws(
      's3api',
      'get-object',
      '--bucket',
      cloud.bucket,
      '--key',
      'awscli/missing',
      join(dir.path, 'x'),
    );
    expect(res.code).not.toBe(0);
    expect(res.out).toContain('NoSuchKey');
  });
});

describe.skipIf(!existsSync(RCLONE))('rclone', () => {
  const env = (): Record<string, string> => ({
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: dir.path,
    RCLONE_CONFIG: join(dir.path, 'rclone.conf'),
    RCLONE_CONFIG_X_TYPE: 's3',
    RCLONE_CONFIG_X_PROVIDER: 'Other',
    RCLONE_CONFIG_X_ENDPOINT: cloud.s3Endpoint,
    RCLONE_CONFIG_X_ACCESS_KEY_ID: cloud.adminCredentials.accessKeyId,
    RCLONE_CONFIG_X_SECRET_ACCESS_KEY: cloud.adminCredentials.secretAccessKey,
    RCLONE_CONFIG_X_REGION: cloud.region,
    RCLONE_CONFIG_X_FORCE_PATH_STYLE: 'true',
  });
  const rclone = (...args: string[]) => run(RCLONE, ['--s3-no-check-bucket', ...args], env());

  it('uploads with multipart (5 MiB chunks), lists, checks and reads back', async () => {
    const up = await rclone(
      'copyto',
      '--s3-upload-cutoff',
      '5M',
      '--s3-chunk-size',
      '5M',
      source,
      `x:${cloud.bucket}/rclone/source.bin`,
    );
    expect(up.code, up.out).toBe(0);
    const complete = cloud.requestLog
      .entries()
      .filter((e) => e.operation === 'CompleteMultipartUpload' && e.key === 'rclone/source.bin');
    expect(complete.map((e) => e.status)).toEqual([200]);
    const ls = await rclone('lsl', `x:${cloud.bucket}/rclone/`);
    expect(ls.code, ls.out).toBe(0);
    expect(ls.out).toMatch(new RegExp(`^\\s*${data.length} .* source\\.bin$`, 'm'));
    const check = await rclone('check', dir.path, `x:${cloud.bucket}/rclone/`, '--one-way', '--include', 'source.bin');
    expect(check.code, check.out).toBe(0);
    const back = join(dir.path, 'rclone-back.bin');
    const down = await rclone('copyto', `x:${cloud.bucket}/rclone/source.bin`, back);
    expect(down.code, down.out).toBe(0);
    expect(readFileSync(back).equals(data)).toBe(true);
  });

  it('uploads a small file in one PUT', async () => {
    const small = join(dir.path, 'small.txt');
    writeFileSync(small, 'small file');
    const up = await rclone('copyto', small, `x:${cloud.bucket}/rclone/small.txt`);
    expect(up.code, up.out).toBe(0);
    const cat = await rclone('cat', `x:${cloud.bucket}/rclone/small.txt`);
    expect(cat.out).toContain('small file');
  });
});
