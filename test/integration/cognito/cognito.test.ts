// The local Cognito Identity through the unmodified SDK: developer tokens, credentials for identities,
// and everything Cognito refuses.
import {
  CognitoIdentityClient,
  GetCredentialsForIdentityCommand,
  GetIdCommand,
  GetOpenIdTokenForDeveloperIdentityCommand,
} from '@aws-sdk/client-cognito-identity';
import { fromCognitoIdentity } from '@aws-sdk/credential-providers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCognitoOnly, tempDir, type CognitoOnly } from './cloud.js';

const LOGIN = 'cognito-identity.amazonaws.com';

function developerClient(c: CognitoOnly): CognitoIdentityClient {
  return new CognitoIdentityClient({
    region: c.settings.region,
    endpoint: c.endpoint,
    credentials: c.credentials.developer,
  });
}

async function developerToken(
  c: CognitoOnly,
  userId: string,
  extra: { TokenDuration?: number } = {},
): Promise<{ IdentityId: string; Token: string }> {
  const out = await developerClient(c).send(
    new GetOpenIdTokenForDeveloperIdentityCommand({
      IdentityPoolId: c.settings.identityPoolId,
      Logins: { [c.settings.developerProviderName]: userId },
      ...extra,
    }),
  );
  return { IdentityId: out.IdentityId ?? '', Token: out.Token ?? '' };
}

function unsignedClient(c: CognitoOnly): CognitoIdentityClient {
  // GetCredentialsForIdentity is unsigned; the SDK still wants a credentials provider configured.
  return new CognitoIdentityClient({
    region: c.settings.region,
    endpoint: c.endpoint,
    credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' },
  });
}

async function rawCall(
  c: CognitoOnly,
  op: string,
  body: string,
): Promise<{ status: number; json: { __type?: string; message?: string } }> {
  const res = await fetch(c.endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSCognitoIdentityService.${op}` },
    body,
  });
  return { status: res.status, json: (await res.json()) as { __type?: string } };
}

describe('local Cognito Identity', () => {
  let c: CognitoOnly;
  beforeAll(async () => {
    c = await startCognitoOnly({ settings: { credentialLifetimeSeconds: 1800 } });
  });
  afterAll(async () => c.close());

  it('issues a developer token whose claims are Cognito’s, with the same identity for the same user', async () => {
    const first = await developerToken(c, 'user-1');
    const again = await developerToken(c, 'user-1');
    const other = await developerToken(c, 'user-2');
    expect(first.IdentityId).toMatch(/^us-east-1:[0-9a-f-]{36}$/);
    expect(again.IdentityId).toBe(first.IdentityId);
    expect(other.IdentityId).not.toBe(first.IdentityId);
    const [header, payload] = first.Token.split('.')
      .slice(0, 2)
      .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()) as Record<string, unknown>);
    expect(header).toMatchObject({ alg: 'RS256' });
    expect(payload).toMatchObject({
      iss: 'https://cognito-identity.amazonaws.com',
      aud: c.settings.identityPoolId,
      sub: first.IdentityId,
    });
    expect(payload?.['amr']).toEqual(expect.arrayContaining(['authenticated', 'login.hoist.test']));
    expect(Number(payload?.['exp']) - Number(payload?.['iat'])).toBe(900);
  });

  it('exchanges the token for temporary credentials through fromCognitoIdentity', async () => {
    const { IdentityId, Token } = await developerToken(c, 'user-1');
    const provider = fromCognitoIdentity({
      identityId: IdentityId,
      logins: { [LOGIN]: Token },
      clientConfig: { region: c.settings.region, endpoint: c.endpoint },
    });
    const creds = await provider();
    expect(creds.identityId).toBe(IdentityId);
    expect(creds.accessKeyId).toMatch(/^ASIA/);
    expect(creds.sessionToken).toBeTruthy();
    // Expiration travels as epoch seconds: the SDK turns it into a Date ~30 minutes ahead.
    const lifetime = (creds.expiration?.getTime() ?? 0) - Date.now();
    expect(lifetime).toBeGreaterThan(25 * 60 * 1000);
    expect(lifetime).toBeLessThanOrEqual(30 * 60 * 1000);
    expect(c.credentials.lookup(creds.accessKeyId)?.principal).toEqual({ kind: 'identity', identityId: IdentityId });
  });

  it('answers GetId for a token holder', async () => {
    const { IdentityId, Token } = await developerToken(c, 'user-3');
    const out = await unsignedClient(c).send(
      new GetIdCommand({ IdentityPoolId: c.settings.identityPoolId, Logins: { [LOGIN]: Token } }),
    );
    expect(out.IdentityId).toBe(IdentityId);
  });

  it('refuses unsigned GetOpenIdTokenForDeveloperIdentity', async () => {
    const res = await rawCall(
      c,
      'GetOpenIdTokenForDeveloperIdentity',
      JSON.stringify({ IdentityPoolId: c.settings.identityPoolId, Logins: { 'login.hoist.test': 'user-1' } }),
    );
    expect(res.status).toBe(403);
    expect(res.json.__type).toBe('MissingAuthenticationTokenException');
  });

  it('refuses a signature made with a wrong secret', async () => {
    const forged = new CognitoIdentityClient({
      region: 'us-east-1',
      endpoint: c.endpoint,
      credentials: { accessKeyId: c.credentials.developer.accessKeyId, secretAccessKey: 'not-the-secret' },
    });
    await expect(
      forged.send(
        new GetOpenIdTokenForDeveloperIdentityCommand({
          IdentityPoolId: c.settings.identityPoolId,
          Logins: { 'login.hoist.test': 'user-1' },
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidSignatureException' });
  });

  it('refuses tampered tokens, tokens for another identity, and missing logins', async () => {
    const alice = await developerToken(c, 'user-1');
    const bob = await developerToken(c, 'user-2');
    const [h, p, s] = alice.Token.split('.') as [string, string, string];
    const forgedPayload = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), sub: bob.IdentityId }),
    ).toString('base64url');
    const client = unsignedClient(c);
    const attempts: Array<[string, Record<string, string> | undefined]> = [
      [alice.IdentityId, { [LOGIN]: `${h}.${p}.${s.slice(0, -4)}AAAA` }], // signature tampered
      [bob.IdentityId, { [LOGIN]: `${h}.${forgedPayload}.${s}` }], // claims tampered
      [bob.IdentityId, { [LOGIN]: alice.Token }], // someone else's token
      [alice.IdentityId, undefined], // unauthenticated
      [alice.IdentityId, { [LOGIN]: 'not-a-jwt' }],
    ];
    for (const [identityId, logins] of attempts) {
      await expect(
        client.send(new GetCredentialsForIdentityCommand({ IdentityId: identityId, Logins: logins })),
      ).rejects.toMatchObject({
        name: 'NotAuthorizedException',
      });
    }
  });

  it('refuses unknown identities and unknown pools', async () => {
    const { Token } = await developerToken(c, 'user-1');
    await expect(
      unsignedClient(c).send(
        new GetCredentialsForIdentityCommand({
          IdentityId: 'us-east-1:00000000-0000-0000-0000-000000000000',
          Logins: { [LOGIN]: Token },
        }),
      ),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await expect(
      developerClient(c).send(
        new GetOpenIdTokenForDeveloperIdentityCommand({
          IdentityPoolId: 'us-east-1:99999999-0000-0000-0000-000000000000',
          Logins: { 'login.hoist.test': 'u' },
        }),
      ),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('validates parameters: TokenDuration over 24 h, a foreign provider', async () => {
    await expect(developerToken(c, 'user-1', { TokenDuration: 86_401 })).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });
    await expect(
      developerClient(c).send(
        new GetOpenIdTokenForDeveloperIdentityCommand({
          IdentityPoolId: c.settings.identityPoolId,
          Logins: { 'evil.example': 'u' },
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });

  it('survives malformed requests', async () => {
    expect((await rawCall(c, 'GetCredentialsForIdentity', '{not json')).json.__type).toBe('SerializationException');
    expect((await rawCall(c, 'GetCredentialsForIdentity', '[]')).json.__type).toBe('InvalidParameterException');
    expect((await rawCall(c, 'GetCredentialsForIdentity', '{"IdentityId": 5}')).json.__type).toBe(
      'InvalidParameterException',
    );
    expect((await rawCall(c, 'DeleteIdentityPool', '{}')).json.__type).toBe('UnknownOperationException');
    expect((await rawCall(c, 'toString', '{}')).json.__type).toBe('UnknownOperationException');
    const big = await rawCall(c, 'GetCredentialsForIdentity', JSON.stringify({ IdentityId: 'x'.repeat(100_000) }));
    expect(big.status).toBe(413);
    // And it still works afterwards.
    expect((await developerToken(c, 'user-1')).Token).toBeTruthy();
  });

  it('refuses identity credentials calling GetOpenIdTokenForDeveloperIdentity under the deployed role policy', async () => {
    const { IdentityId, Token } = await developerToken(c, 'user-1');
    const creds = await fromCognitoIdentity({
      identityId: IdentityId,
      logins: { [LOGIN]: Token },
      clientConfig: { region: c.settings.region, endpoint: c.endpoint },
    })();
    const asUser = new CognitoIdentityClient({ region: 'us-east-1', endpoint: c.endpoint, credentials: creds });
    await expect(
      asUser.send(
        new GetOpenIdTokenForDeveloperIdentityCommand({
          IdentityPoolId: c.settings.identityPoolId,
          Logins: { 'login.hoist.test': 'user-2' },
        }),
      ),
    ).rejects.toMatchObject({ name: 'AccessDeniedException' });
  });
});

describe('local Cognito Identity with the well-known policy mistake', () => {
  it('lets identity credentials take over another user when the role grants cognito-identity:*', async () => {
    const c = await startCognitoOnly({
      settings: {
        rolePolicy: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: ['cognito-identity:*'], Resource: '*' }],
        },
      },
    });
    try {
      const alice = await developerToken(c, 'alice');
      const bob = await developerToken(c, 'bob');
      const creds = await fromCognitoIdentity({
        identityId: alice.IdentityId,
        logins: { [LOGIN]: alice.Token },
        clientConfig: { region: c.settings.region, endpoint: c.endpoint },
      })();
      const asAlice = new CognitoIdentityClient({ region: 'us-east-1', endpoint: c.endpoint, credentials: creds });
      const stolen = await asAlice.send(
        new GetOpenIdTokenForDeveloperIdentityCommand({
          IdentityPoolId: c.settings.identityPoolId,
          Logins: { 'login.hoist.test': 'bob' },
        }),
      );
      expect(stolen.IdentityId).toBe(bob.IdentityId);
    } finally {
      await c.close();
    }
  });
});

describe('local Cognito Identity applies the policy to the pool named', () => {
  it('still refuses when the grant is for another pool', async () => {
    const c = await startCognitoOnly({
      settings: {
        rolePolicy: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: 'cognito-identity:GetOpenIdTokenForDeveloperIdentity',
              Resource:
                'arn:aws:cognito-identity:us-east-1:123456789012:identitypool/us-east-1:00000000-0000-0000-0000-000000000000',
            },
          ],
        },
      },
    });
    try {
      const alice = await developerToken(c, 'alice');
      const creds = await fromCognitoIdentity({
        identityId: alice.IdentityId,
        logins: { [LOGIN]: alice.Token },
        clientConfig: { region: c.settings.region, endpoint: c.endpoint },
      })();
      const asAlice = new CognitoIdentityClient({ region: 'us-east-1', endpoint: c.endpoint, credentials: creds });
      await expect(
        asAlice.send(
          new GetOpenIdTokenForDeveloperIdentityCommand({
            IdentityPoolId: c.settings.identityPoolId,
            Logins: { 'login.hoist.test': 'bob' },
          }),
        ),
      ).rejects.toMatchObject({ name: 'AccessDeniedException' });
    } finally {
      await c.close();
    }
  });
});

describe('local Cognito Identity over time', () => {
  it('keeps identities and token validity across a restart on the same data folder', async () => {
    const dataDir = tempDir('cognito-restart');
    const first = await startCognitoOnly({ dataDir });
    const before = await developerToken(first, 'user-1');
    await first.close();
    const second = await startCognitoOnly({ dataDir });
    try {
      expect((await developerToken(second, 'user-1')).IdentityId).toBe(before.IdentityId);
      const out = await unsignedClient(second).send(
        new GetCredentialsForIdentityCommand({ IdentityId: before.IdentityId, Logins: { [LOGIN]: before.Token } }),
      );
      expect(out.IdentityId).toBe(before.IdentityId);
    } finally {
      await second.close();
    }
  });

  it('refuses an expired token', async () => {
    let offsetMs = 0;
    const c = await startCognitoOnly({ now: () => new Date(Date.now() + offsetMs) });
    try {
      const { IdentityId, Token } = await developerToken(c, 'user-1', { TokenDuration: 60 });
      offsetMs = 61_000;
      await expect(
        unsignedClient(c).send(new GetCredentialsForIdentityCommand({ IdentityId, Logins: { [LOGIN]: Token } })),
      ).rejects.toMatchObject({
        name: 'NotAuthorizedException',
        message: expect.stringMatching(/expired/i) as unknown,
      });
    } finally {
      await c.close();
    }
  });

  it('refuses a token issued for another identity pool (wrong audience)', async () => {
    const dataDir = tempDir('cognito-aud');
    // Same data folder, so the same signing key: only the audience differs.
    const other = await startCognitoOnly({
      dataDir,
      settings: { identityPoolId: 'us-east-1:99999999-9999-9999-9999-999999999999' },
    });
    const foreign = await developerToken(other, 'user-1');
    await other.close();
    const c = await startCognitoOnly({ dataDir });
    try {
      await developerToken(c, 'user-1'); // the same identity exists in this pool's registry
      await expect(
        unsignedClient(c).send(
          new GetCredentialsForIdentityCommand({ IdentityId: foreign.IdentityId, Logins: { [LOGIN]: foreign.Token } }),
        ),
      ).rejects.toMatchObject({
        name: 'NotAuthorizedException',
        message: expect.stringMatching(/audience/) as unknown,
      });
    } finally {
      await c.close();
    }
  });
});
