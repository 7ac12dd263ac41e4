// The cross-user matrix: user A signs in through the real broker and gets real temporary credentials
// (GetCredentialsForIdentity); with them, every S3 operation against B's prefix (B's object, B's open
// multipart upload), the bucket root and another bucket, and the Cognito calls that would let A become B,
// must be denied — under the role policy that is deployed (server/infra/role-policy.json). The same
// Cognito attempts run against a cloud whose role grants `cognito-identity:*` (as published examples do)
// and must find the takeover there: proof that this suite fails when the hole is open.
import {
  AbortMultipartUploadCommand,
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
  ListBucketsCommand,
  ListMultipartUploadsCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import {
  CognitoIdentityClient,
  GetCredentialsForIdentityCommand,
  GetIdCommand,
  GetOpenIdTokenForDeveloperIdentityCommand,
} from '@aws-sdk/client-cognito-identity';
import type { AwsCredentialIdentity } from '@smithy/types';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SqliteUserStore } from '../../../server/broker/sqlite-store.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256, startRig, type Rig } from '../reliability/rig.js';

interface SessionBody {
  identityId: string;
  token: string;
  refreshToken: string;
  region: string;
  identityPoolId: string;
  bucket: string;
  keyPrefix: string;
  endpoints: { cognitoIdentity: string; s3: string };
}

const alice = { username: 'alice', password: 'alice secret password' };
const bob = { username: 'bob', password: 'bob secret password!' };
const deployedPolicy: unknown = JSON.parse(
  readFileSync(new URL('../../../server/infra/role-policy.json', import.meta.url), 'utf8'),
);
/** The well-known mistake: the deployed statement plus cognito-identity:* on everything. */
const vulnerablePolicy = {
  ...(deployedPolicy as object),
  Statement: [
    ...(deployedPolicy as { Statement: unknown[] }).Statement,
    { Effect: 'Allow', Action: 'cognito-identity:*', Resource: '*' },
  ],
};

async function userIdOf(rig: Rig, username: string): Promise<string> {
  const store = new SqliteUserStore(path.join(rig.dir, 'broker.db'));
  try {
    return (await store.findUserByName(username))!.id;
  } finally {
    await store.close();
  }
}

async function signIn(rig: Rig, who: { username: string; password: string }): Promise<SessionBody> {
  const res = await fetch(`${rig.brokerUrl}/v1/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(who),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as SessionBody;
}

/** What the app does: exchange the broker's token for temporary credentials (no signing involved). */
async function credentialsOf(s: SessionBody): Promise<AwsCredentialIdentity> {
  const cognito = new CognitoIdentityClient({ region: s.region, endpoint: s.endpoints.cognitoIdentity });
  const res = await cognito.send(
    new GetCredentialsForIdentityCommand({
      IdentityId: s.identityId,
      Logins: { 'cognito-identity.amazonaws.com': s.token },
    }),
  );
  cognito.destroy();
  const c = res.Credentials!;
  return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretKey!, sessionToken: c.SessionToken! };
}

function s3As(s: SessionBody, credentials: AwsCredentialIdentity): S3Client {
  return new S3Client({
    region: s.region,
    endpoint: s.endpoints.s3,
    forcePathStyle: true,
    credentials,
    maxAttempts: 1,
  });
}

/** The Cognito calls that would let A act as B; returns the ones that were NOT denied. */
async function takeoverAttempts(
  rig: Rig,
  a: SessionBody,
  aCreds: AwsCredentialIdentity,
  b: SessionBody,
): Promise<string[]> {
  const signed = new CognitoIdentityClient({
    region: a.region,
    endpoint: a.endpoints.cognitoIdentity,
    credentials: aCreds,
    maxAttempts: 1,
  });
  const unsigned = new CognitoIdentityClient({
    region: a.region,
    endpoint: a.endpoints.cognitoIdentity,
    maxAttempts: 1,
  });
  const allowed: string[] = [];
  const attempt = async (name: string, call: () => Promise<unknown>) => {
    try {
      await call();
      allowed.push(name);
    } catch (error) {
      if (process.env.HOIST_DEBUG) console.log(name, error);
    }
  };
  /** With a token for B in hand, the takeover completes: B's credentials, then a write under B's prefix. */
  const completeTakeover = async (minted: { IdentityId?: string; Token?: string }, marker: string) => {
    const creds = await unsigned.send(
      new GetCredentialsForIdentityCommand({
        IdentityId: minted.IdentityId!,
        Logins: { 'cognito-identity.amazonaws.com': minted.Token! },
      }),
    );
    const c = creds.Credentials!;
    const asB = s3As(a, { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretKey!, sessionToken: c.SessionToken! });
    try {
      await asB.send(new PutObjectCommand({ Bucket: b.bucket, Key: `${b.keyPrefix}${marker}`, Body: 'owned' }));
    } finally {
      asB.destroy();
    }
  };
  await attempt('GetOpenIdTokenForDeveloperIdentity for B’s user id (leaked) with A’s credentials', async () => {
    const bUserId = await userIdOf(rig, bob.username);
    const minted = await signed.send(
      new GetOpenIdTokenForDeveloperIdentityCommand({
        IdentityPoolId: a.identityPoolId,
        Logins: { [rig.cloud.developerProviderName]: bUserId },
      }),
    );
    await completeTakeover(minted, 'taken-over-by-user-id.txt');
  });
  await attempt(
    'GetOpenIdTokenForDeveloperIdentity for B’s identity id (seen in B’s keys) with A’s credentials',
    async () => {
      const minted = await signed.send(
        new GetOpenIdTokenForDeveloperIdentityCommand({
          IdentityPoolId: a.identityPoolId,
          IdentityId: b.identityId,
          Logins: { [rig.cloud.developerProviderName]: `mallory-${Date.now()}` },
        }),
      );
      await completeTakeover(minted, 'taken-over-by-identity-id.txt');
    },
  );
  await attempt('GetCredentialsForIdentity for B’s identity id with A’s token', () =>
    unsigned.send(
      new GetCredentialsForIdentityCommand({
        IdentityId: b.identityId,
        Logins: { 'cognito-identity.amazonaws.com': a.token },
      }),
    ),
  );
  await attempt('GetCredentialsForIdentity for B’s identity id with A’s token, signed with A’s credentials', () =>
    signed.send(
      new GetCredentialsForIdentityCommand({
        IdentityId: b.identityId,
        Logins: { 'cognito-identity.amazonaws.com': a.token },
      }),
    ),
  );
  await attempt('GetId with A’s token yielding B’s identity', async () => {
    const res = await unsigned.send(
      new GetIdCommand({ IdentityPoolId: a.identityPoolId, Logins: { 'cognito-identity.amazonaws.com': a.token } }),
    );
    if (res.IdentityId !== b.identityId) throw new Error('own identity only');
  });
  signed.destroy();
  unsigned.destroy();
  return allowed;
}

describe('cross-user matrix under the deployed role policy', () => {
  let rig: Rig;
  let a: SessionBody;
  let b: SessionBody;
  let aCreds: AwsCredentialIdentity;
  let asA: S3Client;
  let bUploadId: string;
  const bKey = () => `${b.keyPrefix}private/report.pdf`;
  const bBody = 'B’s private report';

  beforeAll(async () => {
    rig = await startRig({ users: [alice, bob] });
    a = await signIn(rig, alice);
    b = await signIn(rig, bob);
    expect(a.identityId).not.toBe(b.identityId);
    aCreds = await credentialsOf(a);
    asA = s3As(a, aCreds);
    const asB = s3As(b, await credentialsOf(b));
    await asB.send(new PutObjectCommand({ Bucket: b.bucket, Key: bKey(), Body: bBody }));
    bUploadId = (await asB.send(new CreateMultipartUploadCommand({ Bucket: b.bucket, Key: `${b.keyPrefix}big.bin` })))
      .UploadId!;
    await asB.send(
      new UploadPartCommand({
        Bucket: b.bucket,
        Key: `${b.keyPrefix}big.bin`,
        UploadId: bUploadId,
        PartNumber: 1,
        Body: 'part one',
      }),
    );
    asB.destroy();
    await rig.admin.send(new CreateBucketCommand({ Bucket: 'another-bucket' }));
  });
  afterAll(async () => {
    asA?.destroy();
    await rig?.close();
  });

  it('A’s credentials are real: A may write under A’s own prefix (the control)', async () => {
    await asA.send(new PutObjectCommand({ Bucket: a.bucket, Key: `${a.keyPrefix}mine.txt`, Body: 'ok' }));
    expect(await rig.objectSha256(`${a.keyPrefix}mine.txt`)).toBe(sha256('ok'));
  });

  const bucket = () => a.bucket;
  const bigKey = () => `${b.keyPrefix}big.bin`;
  const matrix: Array<[string, () => Promise<unknown>]> = [
    // B's prefix
    [
      'PutObject on B’s prefix',
      () => asA.send(new PutObjectCommand({ Bucket: bucket(), Key: `${b.keyPrefix}planted.txt`, Body: 'x' })),
    ],
    [
      'PutObject overwriting B’s object',
      () => asA.send(new PutObjectCommand({ Bucket: bucket(), Key: bKey(), Body: 'overwritten' })),
    ],
    [
      'PutObject escaping A’s prefix with ..',
      () =>
        asA.send(
          new PutObjectCommand({ Bucket: bucket(), Key: `${a.keyPrefix}../${b.identityId}/dots.txt`, Body: 'x' }),
        ),
    ],
    [
      'PutObject on a look-alike prefix',
      () => asA.send(new PutObjectCommand({ Bucket: bucket(), Key: `uploads/${a.identityId}x/a.txt`, Body: 'x' })),
    ],
    ['GetObject of B’s object', () => asA.send(new GetObjectCommand({ Bucket: bucket(), Key: bKey() }))],
    ['HeadObject of B’s object', () => asA.send(new HeadObjectCommand({ Bucket: bucket(), Key: bKey() }))],
    ['DeleteObject of B’s object', () => asA.send(new DeleteObjectCommand({ Bucket: bucket(), Key: bKey() }))],
    [
      'DeleteObjects of B’s object',
      async () => {
        const res = await asA.send(
          new DeleteObjectsCommand({ Bucket: bucket(), Delete: { Objects: [{ Key: bKey() }] } }),
        );
        if (res.Errors?.length) throw new Error('denied per key');
      },
    ],
    [
      'CreateMultipartUpload on B’s prefix',
      () => asA.send(new CreateMultipartUploadCommand({ Bucket: bucket(), Key: `${b.keyPrefix}mp.bin` })),
    ],
    [
      'UploadPart into B’s upload',
      () =>
        asA.send(
          new UploadPartCommand({ Bucket: bucket(), Key: bigKey(), UploadId: bUploadId, PartNumber: 2, Body: 'evil' }),
        ),
    ],
    [
      'ListParts of B’s upload',
      () => asA.send(new ListPartsCommand({ Bucket: bucket(), Key: bigKey(), UploadId: bUploadId })),
    ],
    [
      'CompleteMultipartUpload of B’s upload',
      () =>
        asA.send(
          new CompleteMultipartUploadCommand({
            Bucket: bucket(),
            Key: bigKey(),
            UploadId: bUploadId,
            MultipartUpload: { Parts: [{ PartNumber: 1, ETag: '"x"' }] },
          }),
        ),
    ],
    [
      'AbortMultipartUpload of B’s upload',
      () => asA.send(new AbortMultipartUploadCommand({ Bucket: bucket(), Key: bigKey(), UploadId: bUploadId })),
    ],
    [
      'ListObjectsV2 of B’s prefix',
      () => asA.send(new ListObjectsV2Command({ Bucket: bucket(), Prefix: b.keyPrefix })),
    ],
    [
      'ListObjects (v1) of B’s prefix',
      () => asA.send(new ListObjectsCommand({ Bucket: bucket(), Prefix: b.keyPrefix })),
    ],
    [
      'ListMultipartUploads of B’s prefix',
      () => asA.send(new ListMultipartUploadsCommand({ Bucket: bucket(), Prefix: b.keyPrefix })),
    ],
    // the bucket root
    [
      'PutObject at the bucket root',
      () => asA.send(new PutObjectCommand({ Bucket: bucket(), Key: 'root.txt', Body: 'x' })),
    ],
    [
      'PutObject under uploads/ itself',
      () => asA.send(new PutObjectCommand({ Bucket: bucket(), Key: 'uploads/x.txt', Body: 'x' })),
    ],
    ['ListObjectsV2 of the whole bucket', () => asA.send(new ListObjectsV2Command({ Bucket: bucket() }))],
    ['ListMultipartUploads of the whole bucket', () => asA.send(new ListMultipartUploadsCommand({ Bucket: bucket() }))],
    ['HeadBucket', () => asA.send(new HeadBucketCommand({ Bucket: bucket() }))],
    ['GetBucketLocation', () => asA.send(new GetBucketLocationCommand({ Bucket: bucket() }))],
    ['DeleteBucket', () => asA.send(new DeleteBucketCommand({ Bucket: bucket() }))],
    ['ListBuckets', () => asA.send(new ListBucketsCommand({}))],
    ['CreateBucket', () => asA.send(new CreateBucketCommand({ Bucket: 'mallory-bucket' }))],
    // another bucket, even under A's own prefix
    [
      'PutObject into another bucket under A’s prefix',
      () => asA.send(new PutObjectCommand({ Bucket: 'another-bucket', Key: `${a.keyPrefix}x.txt`, Body: 'x' })),
    ],
    [
      'CreateMultipartUpload in another bucket',
      () => asA.send(new CreateMultipartUploadCommand({ Bucket: 'another-bucket', Key: `${a.keyPrefix}x.bin` })),
    ],
    ['ListObjectsV2 of another bucket', () => asA.send(new ListObjectsV2Command({ Bucket: 'another-bucket' }))],
  ];

  it.each(matrix)('denies A: %s', async (_name, call) => {
    await expect(call()).rejects.toThrow();
  });

  it('left B’s data untouched and nothing outside A’s prefix', async () => {
    expect(await rig.objectSha256(bKey())).toBe(sha256(bBody));
    expect(await rig.openUploads(b.keyPrefix)).toEqual([`${bigKey()}#${bUploadId}`]);
    const all = await rig.listKeys('');
    expect(all.filter((k) => !k.startsWith(a.keyPrefix) && !k.startsWith(b.keyPrefix))).toEqual([]);
    expect(await rig.listKeys(b.keyPrefix)).toEqual([bKey()]);
  });

  it('denies every Cognito call that would let A become B', async () => {
    expect(await takeoverAttempts(rig, a, aCreds, b)).toEqual([]);
    expect(await rig.listKeys(b.keyPrefix)).toEqual([bKey()]);
  });
});

describe('the same Cognito attempts against a role granting cognito-identity:* (the published mistake)', () => {
  it('find the takeover — so the suite above fails if the deployed policy ever opens this hole', async () => {
    const rig = await startRig({ users: [alice, bob], rolePolicy: vulnerablePolicy });
    try {
      const a = await signIn(rig, alice);
      const b = await signIn(rig, bob);
      const allowed = await takeoverAttempts(rig, a, await credentialsOf(a), b);
      expect(allowed).toEqual([
        'GetOpenIdTokenForDeveloperIdentity for B’s user id (leaked) with A’s credentials',
        'GetOpenIdTokenForDeveloperIdentity for B’s identity id (seen in B’s keys) with A’s credentials',
      ]);
      expect(await rig.objectSha256(`${b.keyPrefix}taken-over-by-user-id.txt`)).toBe(sha256('owned'));
      expect(await rig.objectSha256(`${b.keyPrefix}taken-over-by-identity-id.txt`)).toBe(sha256('owned'));
    } finally {
      await rig.close();
    }
  });
});
