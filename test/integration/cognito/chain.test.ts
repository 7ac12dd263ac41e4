// The whole chain through the real SDK: broker sign-in → GetCredentialsForIdentity → S3, confined to the
// user's own prefix by the role policy.
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CognitoIdentityClient, GetOpenIdTokenForDeveloperIdentityCommand } from '@aws-sdk/client-cognito-identity';
import { fromCognitoIdentity } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../../server/local-stack/index.js';
import { silentLogger } from '../../../server/broker/logger.js';
import { signIn, type SessionBody } from '../broker/harness.js';
import { tempDir } from './cloud.js';

async function session(stack: LocalStack, username: string, password: string): Promise<SessionBody> {
  const res = await signIn(stack.brokerUrl, username, password);
  expect(res.status).toBe(201);
  return (await res.json()) as SessionBody;
}

function userCredentials(s: SessionBody): () => Promise<AwsCredentialIdentity> {
  return fromCognitoIdentity({
    identityId: s.identityId,
    logins: { 'cognito-identity.amazonaws.com': s.token },
    clientConfig: { region: s.region, endpoint: s.endpoints?.cognitoIdentity ?? '' },
  });
}

function s3(s: SessionBody, credentials: AwsCredentialIdentity | (() => Promise<AwsCredentialIdentity>)): S3Client {
  return new S3Client({ region: s.region, endpoint: s.endpoints?.s3 ?? '', forcePathStyle: true, credentials });
}

describe('sign-in to upload, through the local stack', () => {
  let stack: LocalStack;
  let alice: SessionBody;
  let bob: SessionBody;
  beforeAll(async () => {
    stack = await startLocalStack({
      dataDir: tempDir('chain'),
      users: [
        { username: 'alice', password: 'alice-pw' },
        { username: 'bob', password: 'bob-pw' },
      ],
      logger: silentLogger,
    });
    alice = await session(stack, 'alice', 'alice-pw');
    bob = await session(stack, 'bob', 'bob-pw');
  });
  afterAll(async () => stack.close());

  it('uploads under the own prefix', async () => {
    const client = s3(alice, userCredentials(alice));
    await client.send(
      new PutObjectCommand({ Bucket: alice.bucket, Key: `${alice.keyPrefix}docs/hello.txt`, Body: 'hello' }),
    );
    const admin = s3(alice, stack.adminCredentials);
    const object = await admin.send(
      new GetObjectCommand({ Bucket: alice.bucket, Key: `${alice.keyPrefix}docs/hello.txt` }),
    );
    expect(await object.Body?.transformToString()).toBe('hello');
  });

  it('refuses writes under another identity’s prefix and at the bucket root', async () => {
    const client = s3(alice, userCredentials(alice));
    for (const key of [`${bob.keyPrefix}stolen.txt`, 'root.txt', `uploads/${alice.identityId}-x/a.txt`]) {
      await expect(
        client.send(new PutObjectCommand({ Bucket: alice.bucket, Key: key, Body: 'x' })),
      ).rejects.toMatchObject({ name: 'AccessDenied' });
    }
  });

  it('refuses reading back, even the own objects (the role only writes)', async () => {
    const client = s3(alice, userCredentials(alice));
    await expect(
      client.send(new GetObjectCommand({ Bucket: alice.bucket, Key: `${alice.keyPrefix}docs/hello.txt` })),
    ).rejects.toMatchObject({
      name: 'AccessDenied',
    });
  });

  it('refuses identity credentials minting a token for another user', async () => {
    const asAlice = new CognitoIdentityClient({
      region: alice.region,
      endpoint: alice.endpoints?.cognitoIdentity ?? '',
      credentials: userCredentials(alice),
    });
    await expect(
      asAlice.send(
        new GetOpenIdTokenForDeveloperIdentityCommand({
          IdentityPoolId: alice.identityPoolId,
          Logins: { [stack.developerProviderName]: 'bob' },
        }),
      ),
    ).rejects.toMatchObject({ name: 'AccessDeniedException' });
  });
});
