// putBuffer (small files' PutObject, built from the SDK's parts without its middleware stack) against the
// local cloud, which checks SigV4 on the raw path: every key the SDK can send, identity credentials,
// errors shaped as the queue expects them, abort, clock skew; and the objects it stores are the SDK's.
import { crc32 } from 'node:zlib';
import { HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { crc32Base64 } from '../../../../electron/engine/transfers/body.js';
import { classify } from '../../../../electron/engine/transfers/retry.js';
import {
  createS3Client,
  putBuffer,
  PutRoutes,
  S3ResponseError,
} from '../../../../electron/engine/transfers/s3-client.js';
import { startLocalCloud } from '../../../../server/local-cloud/index.js';
import { objectDigest, sha256 } from '../../../support/digest.js';
import { identityClient, newIdentityId, tempDir, useCloud } from './helpers.js';

const env = useCloud();

const input = (Bucket: string, Key: string, Body: Buffer) => ({
  Bucket,
  Key,
  Body,
  ChecksumCRC32: crc32Base64(crc32(Body)),
});

describe('putBuffer', () => {
  const routes = new PutRoutes();
  it('stores what the SDK stores, for keys the SDK encodes specially, with identity credentials', async () => {
    const identityId = newIdentityId();
    const s3 = identityClient(env.cloud, identityId);
    const keys = [
      'plain.bin',
      'with space.txt',
      'plus+and%percent',
      'ünïcødé/ファイル.txt',
      "sub!'()*~/x",
      'dot/./segment',
      'double//slash',
      'empty',
    ];
    for (const name of keys) {
      const body = name === 'empty' ? Buffer.alloc(0) : Buffer.from(`content of ${name}`);
      const key = `uploads/${identityId}/${name}`;
      const res = await putBuffer(routes, s3, input(env.cloud.bucket, key, body), new AbortController().signal);
      expect(res.ChecksumCRC32).toBe(crc32Base64(crc32(body)));
      expect(res.ETag).toMatch(/^"[0-9a-f]{32}"$/);
      expect(await objectDigest(env.admin, env.cloud.bucket, key)).toEqual({ sha: sha256(body), size: body.length });
      // The same metadata as the SDK's PutObject of a Buffer.
      const sdkKey = `uploads/${identityId}/sdk-${name}`;
      await s3.send(
        new PutObjectCommand({
          Bucket: env.cloud.bucket,
          Key: sdkKey,
          Body: body,
          ChecksumCRC32: crc32Base64(crc32(body)),
        }),
      );
      const [ours, sdk] = await Promise.all(
        [key, sdkKey].map((Key) =>
          env.admin.send(new HeadObjectCommand({ Bucket: env.cloud.bucket, Key, ChecksumMode: 'ENABLED' })),
        ),
      );
      expect({ type: ours!.ContentType, etag: ours!.ETag, crc: ours!.ChecksumCRC32 }).toEqual({
        type: sdk!.ContentType,
        etag: sdk!.ETag,
        crc: sdk!.ChecksumCRC32,
      });
    }
  });

  it('sends the payload unsigned, so the CRC32 is what protects it: bytes that do not match it are refused', async () => {
    const identityId = newIdentityId();
    const s3 = identityClient(env.cloud, identityId);
    const key = `uploads/${identityId}/torn.bin`;
    const sent = Buffer.from('the bytes that were read');
    const torn = { ...input(env.cloud.bucket, key, sent), Body: Buffer.from('the bytes that were sent') };
    const refused = await putBuffer(routes, s3, torn, new AbortController().signal).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(S3ResponseError);
    expect((refused as S3ResponseError).Code).toBe('BadDigest');
    await expect(env.admin.send(new HeadObjectCommand({ Bucket: env.cloud.bucket, Key: key }))).rejects.toMatchObject({
      name: 'NotFound',
    });
  });

  it("answers S3's errors as the SDK names them, which the queue classifies the same way", async () => {
    const identityId = newIdentityId();
    const s3 = identityClient(env.cloud, identityId);
    const denied = await putBuffer(
      routes,
      s3,
      input(env.cloud.bucket, `uploads/${newIdentityId()}/x.bin`, Buffer.from('x')),
      new AbortController().signal,
    ).catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(S3ResponseError);
    expect(denied).toMatchObject({ name: 'AccessDenied', Code: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    expect((denied as S3ResponseError).$metadata.requestId).toBeTruthy();
    // The same message the SDK's XML parser reads from the same answer.
    const sdkDenied = await s3
      .send(
        new PutObjectCommand({
          Bucket: env.cloud.bucket,
          Key: `uploads/${newIdentityId()}/x.bin`,
          Body: Buffer.from('x'),
        }),
      )
      .catch((e: unknown) => e);
    expect((denied as Error).message).toBe((sdkDenied as Error).message);
    expect((denied as Error).message).not.toBe('');
    expect(classify(denied)).toBe('permanent');

    const corrupt = {
      ...input(env.cloud.bucket, `uploads/${identityId}/bad.bin`, Buffer.from('data')),
      ChecksumCRC32: crc32Base64(crc32(Buffer.from('other'))),
    };
    const bad = await putBuffer(routes, s3, corrupt, new AbortController().signal).catch((e: unknown) => e);
    expect(bad).toMatchObject({ name: 'BadDigest', $metadata: { httpStatusCode: 400 } });
    expect(classify(bad)).toBe('transient');

    const expired = createS3Client({
      endpoint: env.cloud.s3Endpoint,
      region: env.cloud.region,
      credentials: { ...env.cloud.credentials.issueTemporary(identityId, 3600), sessionToken: 'not-a-token' },
    });
    const token = await putBuffer(
      routes,
      expired,
      input(env.cloud.bucket, `uploads/${identityId}/t.bin`, Buffer.from('t')),
      new AbortController().signal,
    ).catch((e: unknown) => e);
    expect(classify(token)).toBe((await sdkError(expired, identityId)).kind);
  });

  it('stops at once when its signal aborts', async () => {
    const s3 = identityClient(env.cloud, newIdentityId());
    const abort = new AbortController();
    abort.abort(new Error('paused'));
    const error = await putBuffer(
      routes,
      s3,
      input(env.cloud.bucket, 'uploads/x/y', Buffer.from('z')),
      abort.signal,
    ).catch((e: unknown) => e);
    expect(classify(error, abort.signal)).toBe('aborted');
  });

  it('corrects its clock from the server, as the SDK does, and the retry goes through', async () => {
    const dir = tempDir('hoist-skewed-');
    const skewed = await startLocalCloud({ dataDir: dir.path, port: 0, now: () => new Date(Date.now() + 20 * 60_000) });
    try {
      const s3 = createS3Client({
        endpoint: skewed.s3Endpoint,
        region: skewed.region,
        credentials: skewed.adminCredentials,
      });
      const body = Buffer.from('late');
      const first = await putBuffer(routes, s3, input(skewed.bucket, 'k', body), new AbortController().signal).catch(
        (e: unknown) => e,
      );
      expect(first).toMatchObject({ name: 'RequestTimeTooSkewed' });
      expect(classify(first)).toBe('transient');
      const again = await putBuffer(routes, s3, input(skewed.bucket, 'k', body), new AbortController().signal);
      expect(again.ChecksumCRC32).toBe(crc32Base64(crc32(body)));
    } finally {
      await skewed.close();
      dir.remove();
    }
  });
});

/** How the queue classifies the SDK's own error for a request with a bad session token. */
async function sdkError(s3: S3Client, identityId: string): Promise<{ kind: string }> {
  const error = await s3
    .send(
      new PutObjectCommand({ Bucket: env.cloud.bucket, Key: `uploads/${identityId}/sdk.bin`, Body: Buffer.from('t') }),
    )
    .catch((e: unknown) => e);
  return { kind: classify(error) };
}
