// Issue 10 through awscli (`aws s3api` / `aws s3`, the Debian package) with admin credentials: bucket
// administration, DeleteObjects, listings, conditionals, ranges, metadata, ACLs, multipart paging,
// ?partNumber, anonymous requests and presigned URLs. Independent commands run in parallel (each awscli
// start costs ~0.5 s of CPU).
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../../server/local-cloud/index.js';
import { MiB, startCloud, tempDir } from './helpers.js';

const AWS = '/usr/bin/aws';
const dir = tempDir();
let cloud: LocalCloud;

beforeAll(async () => {
  cloud = await startCloud(join(dir.path, 'cloud'));
});
afterAll(async () => {
  await cloud.close();
  dir.remove();
});

interface Result {
  code: number;
  out: string;
  err: string;
  json: Record<string, unknown>;
}

function aws(...args: string[]): Promise<Result> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: dir.path,
    AWS_ACCESS_KEY_ID: cloud.adminCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: cloud.adminCredentials.secretAccessKey,
    AWS_DEFAULT_REGION: cloud.region,
    AWS_CONFIG_FILE: join(dir.path, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir.path, 'no-aws-credentials'),
    AWS_MAX_ATTEMPTS: '1',
    AWS_PAGER: '',
  };
  return new Promise((resolve) => {
    execFile(
      AWS,
      ['--endpoint-url', cloud.s3Endpoint, '--output', 'json', ...args],
      { env, maxBuffer: 16 * MiB },
      (error, stdout, stderr) => {
        let json: Record<string, unknown>;
        try {
          json = stdout.trim() ? (JSON.parse(stdout) as Record<string, unknown>) : {};
        } catch {
          json = {};
        }
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, out: stdout, err: stderr, json });
      },
    );
  });
}

const ok = (r: Result): Result => {
  expect(r.code, r.err).toBe(0);
  return r;
};
/** awscli prints `An error occurred (Code) when calling the Op operation: …`; HEAD errors only carry the status. */
const failed = (r: Result, code: string): void => {
  expect(r.code, r.out).not.toBe(0);
  expect(r.err).toContain(`(${code})`);
};

describe.skipIf(!existsSync(AWS))('awscli s3api', () => {
  it('administers buckets: re-create own, location, BucketNotEmpty, invalid names, NoSuchBucket', async () => {
    ok(
      await aws(
        's3api',
        'put-object',
        '--bucket',
        cloud.bucket,
        '--key',
        'cli/keep',
        '--body',
        writeTemp('k.txt', 'k'),
      ),
    );
    const [recreate, location, notEmpty, badName, missing] = await Promise.all([
      aws('s3api', 'create-bucket', '--bucket', cloud.bucket), // us-east-1: re-creating your own bucket succeeds
      aws('s3api', 'get-bucket-location', '--bucket', cloud.bucket),
      aws('s3api', 'delete-bucket', '--bucket', cloud.bucket),
      aws('s3api', 'create-bucket', '--bucket', 'ab'),
      aws('s3api', 'list-objects-v2', '--bucket', 'cli-missing'),
    ]);
    ok(recreate);
    expect(ok(location).json['LocationConstraint'] ?? null).toBeNull();
    failed(notEmpty, 'BucketNotEmpty');
    failed(badName, 'InvalidBucketName');
    failed(missing, 'NoSuchBucket');
  });

  it('deletes many objects, lists v1 with delimiter and marker, lists versions as "null"', async () => {
    const body = writeTemp('small.txt', 'small');
    await Promise.all(
      ['cli/a', 'cli/b/1', 'cli/c d'].map((key) =>
        aws('s3api', 'put-object', '--bucket', cloud.bucket, '--key', key, '--body', body).then(ok),
      ),
    );
    const [v1, versions] = await Promise.all([
      aws(
        's3api',
        'list-objects',
        '--bucket',
        cloud.bucket,
        '--prefix',
        'cli/',
        '--delimiter',
        '/',
        '--marker',
        'cli/a',
      ),
      aws('s3api', 'list-object-versions', '--bucket', cloud.bucket, '--prefix', 'cli/', '--encoding-type', 'url'),
    ]);
    const keys = ((ok(v1).json['Contents'] as Array<{ Key: string }> | undefined) ?? []).map((c) => c.Key);
    const prefixes = ((v1.json['CommonPrefixes'] as Array<{ Prefix: string }> | undefined) ?? []).map((c) => c.Prefix);
    expect([keys, prefixes]).toEqual([['cli/c d', 'cli/keep'], ['cli/b/']]);
    const listed = (ok(versions).json['Versions'] as Array<{ Key: string; VersionId: string }>).map((v) => [
      v.Key,
      v.VersionId,
    ]);
    expect(listed).toEqual([
      ['cli/a', 'null'],
      ['cli/b/1', 'null'],
      ['cli/c%20d', 'null'],
      ['cli/keep', 'null'],
    ]); // encoding asked for explicitly: left encoded
    // awscli sends Content-MD5 with DeleteObjects, as S3 requires
    const verbose = ok(
      await aws(
        's3api',
        'delete-objects',
        '--bucket',
        cloud.bucket,
        '--delete',
        JSON.stringify({ Objects: [{ Key: 'cli/a', VersionId: 'null' }, { Key: 'cli/b/1' }, { Key: 'cli/c d' }] }),
      ),
    );
    expect((verbose.json['Deleted'] as Array<{ Key: string }>).map((d) => d.Key)).toEqual([
      'cli/a',
      'cli/b/1',
      'cli/c d',
    ]);
  });

  it('honours conditionals and ranges, round-trips metadata, accepts only the private ACL', async () => {
    const put = ok(
      await aws(
        's3api',
        'put-object',
        '--bucket',
        cloud.bucket,
        '--key',
        'cli/obj',
        '--body',
        writeTemp('digits.txt', '0123456789'),
        '--metadata',
        'color=blue,size=10',
        '--acl',
        'private',
      ),
    );
    const etag = String(put.json['ETag']);
    const out = (name: string): string => join(dir.path, name);
    const [notModified, preconditionFailed, suffix, unsatisfiable, publicAcl] = await Promise.all([
      aws('s3api', 'get-object', '--bucket', cloud.bucket, '--key', 'cli/obj', '--if-none-match', etag, out('nm')),
      aws('s3api', 'head-object', '--bucket', cloud.bucket, '--key', 'cli/obj', '--if-match', '"0000"'),
      aws(
        's3api',
        'get-object',
        '--bucket',
        cloud.bucket,
        '--key',
        'cli/obj',
        '--range',
        'bytes=-3',
        '--if-match',
        etag,
        out('suffix'),
      ),
      aws('s3api', 'get-object', '--bucket', cloud.bucket, '--key', 'cli/obj', '--range', 'bytes=10-', out('none')),
      aws(
        's3api',
        'put-object',
        '--bucket',
        cloud.bucket,
        '--key',
        'cli/public',
        '--body',
        writeTemp('y.txt', 'y'),
        '--acl',
        'public-read',
      ),
    ]);
    failed(notModified, '304');
    failed(preconditionFailed, '412');
    expect([ok(suffix).json['ContentRange'], suffix.json['Metadata'], readFileSync(out('suffix'), 'utf8')]).toEqual([
      'bytes 7-9/10',
      { color: 'blue', size: '10' },
      '789',
    ]);
    failed(unsatisfiable, 'InvalidRange');
    failed(publicAcl, 'AccessControlListNotSupported');
  });

  it('paginates ListParts and ListMultipartUploads, repeats Complete, serves ?partNumber', async () => {
    const key = 'cli/mp.bin';
    const uploadId = String(
      ok(await aws('s3api', 'create-multipart-upload', '--bucket', cloud.bucket, '--key', key)).json['UploadId'],
    );
    const files = [writeTemp('part1.bin', Buffer.alloc(5 * MiB, 1)), writeTemp('part2.bin', 'tail')];
    const parts = await Promise.all(
      files.map((file, i) =>
        aws(
          's3api',
          'upload-part',
          '--bucket',
          cloud.bucket,
          '--key',
          key,
          '--upload-id',
          uploadId,
          '--part-number',
          String(i + 1),
          '--body',
          file,
        ),
      ),
    );
    const [partsPage, uploadsPage] = await Promise.all([
      aws(
        's3api',
        'list-parts',
        '--bucket',
        cloud.bucket,
        '--key',
        key,
        '--upload-id',
        uploadId,
        '--max-parts',
        '1',
        '--no-paginate',
      ),
      aws(
        's3api',
        'list-multipart-uploads',
        '--bucket',
        cloud.bucket,
        '--prefix',
        'cli/',
        '--max-uploads',
        '1',
        '--no-paginate',
      ),
    ]);
    const numbers = ((ok(partsPage).json['Parts'] as Array<{ PartNumber: number }> | undefined) ?? []).map(
      (p) => p.PartNumber,
    );
    expect([numbers, partsPage.json['IsTruncated'], partsPage.json['NextPartNumberMarker']]).toEqual([[1], true, 1]);
    const uploads = ok(uploadsPage).json;
    expect([
      (uploads['Uploads'] as Array<{ UploadId: string }>).map((u) => u.UploadId),
      uploads['MaxUploads'],
      uploads['IsTruncated'],
    ]).toEqual([[uploadId], 1, false]);

    const manifest = JSON.stringify({ Parts: parts.map((p, i) => ({ PartNumber: i + 1, ETag: ok(p).json['ETag'] })) });
    const first = ok(
      await aws(
        's3api',
        'complete-multipart-upload',
        '--bucket',
        cloud.bucket,
        '--key',
        key,
        '--upload-id',
        uploadId,
        '--multipart-upload',
        manifest,
      ),
    );
    const [again, part2] = await Promise.all([
      aws(
        's3api',
        'complete-multipart-upload',
        '--bucket',
        cloud.bucket,
        '--key',
        key,
        '--upload-id',
        uploadId,
        '--multipart-upload',
        manifest,
      ),
      aws('s3api', 'head-object', '--bucket', cloud.bucket, '--key', key, '--part-number', '2'),
    ]);
    expect(ok(again).json['ETag']).toBe(first.json['ETag']);
    expect(String(first.json['ETag'])).toMatch(/^"[0-9a-f]{32}-2"$/);
    expect([ok(part2).json['PartsCount'], part2.json['ContentLength']]).toEqual([2, 4]);
  });
});

describe.skipIf(!existsSync(AWS))('awscli: anonymous and presigned', () => {
  it('refuses unsigned requests with AccessDenied', async () => {
    failed(await aws('--no-sign-request', 's3api', 'list-objects-v2', '--bucket', cloud.bucket), 'AccessDenied');
  });

  it('presigns a GET that works until it expires', async () => {
    ok(
      await aws(
        's3api',
        'put-object',
        '--bucket',
        cloud.bucket,
        '--key',
        'cli/presigned.txt',
        '--body',
        writeTemp('p.txt', 'presigned via awscli'),
      ),
    );
    const [url, tooLong] = await Promise.all([
      aws('s3', 'presign', `s3://${cloud.bucket}/cli/presigned.txt`, '--expires-in', '60'),
      aws('s3', 'presign', `s3://${cloud.bucket}/cli/presigned.txt`, '--expires-in', '604801'),
    ]);
    const res = await fetch(ok(url).out.trim());
    expect([res.status, await res.text()]).toEqual([200, 'presigned via awscli']);
    // awscli signs whatever it is given; the cloud refuses more than 7 days
    const long = await fetch(ok(tooLong).out.trim());
    expect([long.status, /<Code>([^<]*)<\/Code>/.exec(await long.text())?.[1]]).toEqual([
      400,
      'AuthorizationQueryParametersError',
    ]);
  });
});

function writeTemp(name: string, content: string | Buffer): string {
  const path = join(dir.path, name);
  writeFileSync(path, content);
  return path;
}
