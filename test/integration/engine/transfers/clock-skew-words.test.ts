// A computer whose clock is 30 minutes ahead of S3's, played by a local cloud whose clock is set 30 minutes
// behind (its --clock-offset): the cloud answers with its own time, refuses requests signed with ours, and
// the failure is told in words naming the offset, whichever path sent the request. Hoist then corrects its
// clock from S3's answer, as the SDK does, so the next attempt goes through.
import { crc32 } from 'node:zlib';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeTransferFailure } from '../../../../electron/engine/diagnostics/plain-words.js';
import { crc32Base64 } from '../../../../electron/engine/transfers/body.js';
import { classify } from '../../../../electron/engine/transfers/retry.js';
import { createS3Client, putBuffer, PutRoutes } from '../../../../electron/engine/transfers/s3-client.js';
import { startLocalCloud } from '../../../../server/local-cloud/index.js';
import { tempDir, type Cloud } from './helpers.js';

const dir = tempDir('hoist-clock-');
let cloud: Cloud;
beforeAll(async () => {
  cloud = await startLocalCloud({ dataDir: dir.path, port: 0, clockOffsetSeconds: -1800 });
});
afterAll(async () => {
  await cloud?.close();
  dir.remove();
});

const body = Buffer.from('signed at the wrong time');
const said = (error: unknown) =>
  describeTransferFailure({ error, kind: classify(error), sourcePath: '/home/ada/late.txt', destination: 'late.txt' });
const thirtyMinutesAhead =
  /^S3 refused the upload because this computer's clock is 30 minutes ahead of S3's, and it accepts at most 15 minutes\. Set the date, time and time zone right/;

it('answers S3 and Cognito requests with its own time, 30 minutes behind', async () => {
  const targets: Array<Record<string, string>> = [{}, { 'x-amz-target': 'AWSCognitoIdentityService.GetId' }];
  for (const headers of targets) {
    const before = Date.now();
    const response = await fetch(cloud.s3Endpoint, { method: 'POST', headers });
    const date = Date.parse(response.headers.get('date')!);
    expect(date).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 - 1800_000 - 1000);
    expect(date).toBeLessThanOrEqual(Date.now() - 1800_000 + 1000);
  }
});

it('a PutObject through the SDK is refused, and the words name the offset', async () => {
  const s3 = createS3Client({ endpoint: cloud.s3Endpoint, region: cloud.region, credentials: cloud.adminCredentials });
  const put = () =>
    s3.send(
      new PutObjectCommand({
        Bucket: cloud.bucket,
        Key: 'sdk.txt',
        Body: body,
        ChecksumCRC32: crc32Base64(crc32(body)),
      }),
    );
  const refused = await put().catch((e: unknown) => e);
  expect(refused).toMatchObject({ name: 'RequestTimeTooSkewed' });
  expect(said(refused)).toMatchObject({ code: 'clock_skew', retryable: true });
  expect(said(refused).message).toMatch(thirtyMinutesAhead);
  // The client learnt S3's time from the answer: the retry the queue makes goes through.
  await expect(put()).resolves.toMatchObject({ ETag: expect.any(String) });
});

it('a small file’s PutObject (no SDK middleware) is refused, and the words name the offset', async () => {
  const s3 = createS3Client({ endpoint: cloud.s3Endpoint, region: cloud.region, credentials: cloud.adminCredentials });
  const routes = new PutRoutes();
  const put = () =>
    putBuffer(
      routes,
      s3,
      { Bucket: cloud.bucket, Key: 'small.txt', Body: body, ChecksumCRC32: crc32Base64(crc32(body)) },
      new AbortController().signal,
    );
  const refused = await put().catch((e: unknown) => e);
  expect(refused).toMatchObject({ name: 'RequestTimeTooSkewed' });
  expect(said(refused).message).toMatch(thirtyMinutesAhead);
  await expect(put()).resolves.toMatchObject({ ETag: expect.any(String) });
});
