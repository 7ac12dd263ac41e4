// Where the local cloud used to be looser than S3: unsigned host or x-amz-* headers, small bodies (Complete,
// DeleteObjects) that did not match their signed payload hash, signed chunks, NotResource with a variable
// it cannot resolve, and SSE-C uploads the deployed bucket policy denies. Every request here is signed
// with the AWS SDK's own SignatureV4 and then, where the test says so, tampered with on the way.
import { createHash } from 'node:crypto';
import {
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../../server/local-cloud/index.js';
import { client, identityCreds, newIdentityId, startCloud, tempDir, useCloud } from './helpers.js';
import { codeOf, httpFor, send, signer } from './raw.js';

let cloud: LocalCloud;
let admin: S3Client;
let bucket: string;
useCloud((started) => ({ cloud, admin, bucket } = started));

const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');
const md5 = (data: Buffer | string): string => createHash('md5').update(data).digest('base64');
const exists = async (key: string): Promise<boolean> =>
  admin.send(new HeadObjectCommand({ Bucket: bucket, Key: key })).then(
    () => true,
    () => false,
  );

describe('signed headers', () => {
  it('refuses a request whose host is not signed', async () => {
    const body = Buffer.from('no host');
    const req = await signer(cloud, cloud.adminCredentials).sign(
      httpFor(cloud, 'PUT', `/${bucket}/strict/no-host.txt`, {
        'x-amz-content-sha256': sha256(body),
        'content-length': String(body.length),
      }),
      { unsignableHeaders: new Set(['host']) },
    );
    expect(req.headers['authorization']).not.toMatch(/SignedHeaders=[^,]*host/);
    const res = await send(cloud, req, body);
    expect([res.status, codeOf(res.body)]).toEqual([403, 'AccessDenied']);
    expect(res.body).toContain('<HeadersNotSigned>host</HeadersNotSigned>');
    expect(await exists('strict/no-host.txt')).toBe(false);
  });

  it('refuses an x-amz-* header added after signing, and stores nothing', async () => {
    const body = Buffer.from('metadata');
    const req = await signer(cloud, cloud.adminCredentials).sign(
      httpFor(cloud, 'PUT', `/${bucket}/strict/added-header.txt`, {
        'x-amz-content-sha256': sha256(body),
        'content-length': String(body.length),
      }),
    );
    const res = await send(cloud, { ...req, headers: { ...req.headers, 'x-amz-meta-owner': 'mallory' } }, body);
    expect([res.status, codeOf(res.body)]).toEqual([403, 'AccessDenied']);
    expect(res.body).toContain('<HeadersNotSigned>x-amz-meta-owner</HeadersNotSigned>');
    expect(await exists('strict/added-header.txt')).toBe(false);
    // The same request, untouched, goes through.
    expect((await send(cloud, req, body)).status).toBe(200);
  });
});

describe('payload hashes of small bodies', () => {
  it('refuses a CompleteMultipartUpload whose body is not the one its x-amz-content-sha256 names', async () => {
    const Key = 'strict/complete.bin';
    const { UploadId } = await admin.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key }));
    const { ETag } = await admin.send(
      new UploadPartCommand({ Bucket: bucket, Key, UploadId, PartNumber: 1, Body: Buffer.from('part one') }),
    );
    const xml = (etag: string) =>
      Buffer.from(
        `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${etag}</ETag></Part></CompleteMultipartUpload>`,
      );
    const signedFor = xml('"00000000000000000000000000000000"');
    const sent = xml(ETag ?? '');
    expect(sent.length).toBe(signedFor.length);
    const req = await signer(cloud, cloud.adminCredentials).sign(
      httpFor(
        cloud,
        'POST',
        `/${bucket}/${Key}`,
        { 'x-amz-content-sha256': sha256(signedFor), 'content-length': String(sent.length) },
        { uploadId: UploadId ?? '' },
      ),
    );
    const res = await send(cloud, req, sent);
    expect([res.status, codeOf(res.body)]).toEqual([400, 'XAmzContentSHA256Mismatch']);
    expect(await exists(Key)).toBe(false);
  });

  it('refuses a DeleteObjects whose body is not the one its x-amz-content-sha256 names, deleting nothing', async () => {
    for (const Key of ['strict/keep-a', 'strict/keep-b'])
      await admin.send(new PutObjectCommand({ Bucket: bucket, Key, Body: 'x' }));
    const xml = (key: string) => Buffer.from(`<Delete><Object><Key>${key}</Key></Object></Delete>`);
    const signedFor = xml('strict/keep-a');
    const sent = xml('strict/keep-b');
    const req = await signer(cloud, cloud.adminCredentials).sign(
      httpFor(
        cloud,
        'POST',
        `/${bucket}`,
        { 'x-amz-content-sha256': sha256(signedFor), 'content-md5': md5(sent), 'content-length': String(sent.length) },
        { delete: '' },
      ),
    );
    const res = await send(cloud, req, sent);
    expect([res.status, codeOf(res.body)]).toEqual([400, 'XAmzContentSHA256Mismatch']);
    expect(await exists('strict/keep-b')).toBe(true);
  });
});

describe('signed aws-chunked bodies', () => {
  /** A PUT with STREAMING-AWS4-HMAC-SHA256-PAYLOAD: each chunk signed after the previous signature. */
  async function chunkedPut(key: string, chunks: Buffer[], tamper?: (signatures: string[]) => void) {
    const s = signer(cloud, cloud.adminCredentials);
    const signingDate = new Date();
    const total = chunks.reduce((n, c) => n + c.length, 0);
    const all = [...chunks, Buffer.alloc(0)];
    const framed = (signatures: string[]) =>
      Buffer.concat(
        all.flatMap((c, i) => [
          Buffer.from(`${c.length.toString(16)};chunk-signature=${signatures[i]}\r\n`),
          c,
          Buffer.from('\r\n'),
        ]),
      );
    const encodedLength = framed(all.map(() => '0'.repeat(64))).length;
    const req = await s.sign(
      httpFor(cloud, 'PUT', `/${bucket}/${key}`, {
        'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
        'content-encoding': 'aws-chunked',
        'x-amz-decoded-content-length': String(total),
        'content-length': String(encodedLength),
      }),
      { signingDate },
    );
    const amzDate = req.headers['x-amz-date'] ?? '';
    const scope = `${amzDate.slice(0, 8)}/${cloud.region}/s3/aws4_request`;
    let previous = /Signature=([0-9a-f]{64})/.exec(req.headers['authorization'] ?? '')?.[1] ?? '';
    const signatures: string[] = [];
    for (const c of all) {
      previous = await s.sign(
        ['AWS4-HMAC-SHA256-PAYLOAD', amzDate, scope, previous, sha256(''), sha256(c)].join('\n'),
        { signingDate },
      );
      signatures.push(previous);
    }
    tamper?.(signatures);
    return send(cloud, req, framed(signatures));
  }

  it('stores a body whose chunk signatures are right and refuses one with a wrong chunk signature', async () => {
    const chunks = [Buffer.alloc(8192, 'a'), Buffer.from('tail')];
    expect((await chunkedPut('strict/chunked-ok', chunks)).status).toBe(200);
    const bad = await chunkedPut('strict/chunked-bad', chunks, (signatures) => {
      signatures[1] = signatures[1]?.replace(/^./, (c) => (c === '0' ? '1' : '0')) ?? '';
    });
    expect([bad.status, codeOf(bad.body)]).toEqual([403, 'SignatureDoesNotMatch']);
    expect(await exists('strict/chunked-bad')).toBe(false);
  });
});

describe('the deployed bucket policy', () => {
  it('denies an upload with a customer-provided encryption key (SSE-C), even to admin credentials', async () => {
    const key = Buffer.alloc(32, 7);
    const body = Buffer.from('sse-c');
    const req = await signer(cloud, cloud.adminCredentials).sign(
      httpFor(cloud, 'PUT', `/${bucket}/strict/sse-c.txt`, {
        'x-amz-content-sha256': sha256(body),
        'content-length': String(body.length),
        'x-amz-server-side-encryption-customer-algorithm': 'AES256',
        'x-amz-server-side-encryption-customer-key': key.toString('base64'),
        'x-amz-server-side-encryption-customer-key-md5': md5(key),
      }),
    );
    const res = await send(cloud, req, body);
    expect([res.status, codeOf(res.body)]).toEqual([403, 'AccessDenied']);
    expect(await exists('strict/sse-c.txt')).toBe(false);
  });
});

describe('NotResource with a variable that cannot be resolved', () => {
  it('grants nothing (it would otherwise match every resource)', async () => {
    const other = tempDir();
    // aws:username is never set for a Cognito identity: "everything except an unresolvable path".
    const loose = await startCloud(other.path, {
      rolePolicy: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 's3:PutObject', NotResource: 'arn:aws:s3:::${bucket}/private/${aws:username}/*' },
        ],
      },
    });
    try {
      const identityId = newIdentityId();
      const user = client(loose, identityCreds(loose, identityId));
      const attempt = await user
        .send(new PutObjectCommand({ Bucket: loose.bucket, Key: `uploads/${identityId}/x.txt`, Body: 'x' }))
        .then(
          () => 'stored',
          (err: { name?: string }) => err.name,
        );
      expect(attempt).toBe('AccessDenied');
    } finally {
      await loose.close();
      other.remove();
    }
  });
});
